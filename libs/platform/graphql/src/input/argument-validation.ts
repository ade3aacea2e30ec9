import {
  defaultFieldResolver,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { Extensions } from '@nestjs/graphql';
import { GraphQLInputError } from '../graphql-errors';
import { dateProblem, DEFAULT_MAX_TEXT_LENGTH, isUuid, MAX_LIST_ITEMS, numberProblem, textProblem } from './input-rules';

const MAX_TEXT_LENGTH = 'maxTextLength';

/**
 * Raises the text bound of a field's string arguments (default DEFAULT_MAX_TEXT_LENGTH), on a
 * resolver method or an input-object field, for documents such as a policy in JSON.
 */
export const AcceptsTextUpTo = (maxLength: number) => Extensions({ [MAX_TEXT_LENGTH]: maxLength });

const MESSAGES: Record<string, string> = {
  INVALID_ID: 'is not an id (a UUID)',
  INVALID_TEXT: 'contains a control character (U+0000–U+001F other than tab and line breaks, U+007F–U+009F) or a lone surrogate',
  TEXT_TOO_LONG: 'is too long',
  INVALID_DATE: 'is not a valid date-time',
  DATE_OUT_OF_RANGE: 'is outside 0001-01-01 to 9999-12-31',
  NUMBER_OUT_OF_RANGE: 'is outside ±9007199254740991',
  TOO_MANY_ITEMS: `has more than ${MAX_LIST_ITEMS} items`,
};

function refuse(reason: string, argument: string, extra: Record<string, unknown> = {}): never {
  throw new GraphQLInputError(reason, `${argument} ${MESSAGES[reason]}`, { argument, ...extra });
}

function maxTextLengthOf(element: GraphQLArgument | GraphQLInputField | GraphQLField<unknown, unknown>, inherited: number): number {
  const declared = element.extensions?.[MAX_TEXT_LENGTH];
  return typeof declared === 'number' ? declared : inherited;
}

/**
 * Checks one coerced argument value against the API's input rules, by its GraphQL type: every
 * `ID` a UUID, every `String` bounded and free of control characters, every `Float` a safe
 * number, every `DateTime` in range, every list bounded; input objects field by field.
 */
export function validateArgumentValue(type: GraphQLInputType, value: unknown, argument: string, maxTextLength: number): void {
  if (value === null || value === undefined) return;
  if (isNonNullType(type)) return validateArgumentValue(type.ofType, value, argument, maxTextLength);
  if (isListType(type)) {
    const items = Array.isArray(value) ? value : [value];
    if (items.length > MAX_LIST_ITEMS) refuse('TOO_MANY_ITEMS', argument, { max: MAX_LIST_ITEMS });
    items.forEach((item, index) => validateArgumentValue(type.ofType, item, `${argument}[${index}]`, maxTextLength));
    return;
  }
  if (isInputObjectType(type)) {
    const fields = type.getFields();
    for (const [name, item] of Object.entries(value as Record<string, unknown>)) {
      const field = fields[name];
      if (field) validateArgumentValue(field.type, item, `${argument}.${name}`, maxTextLengthOf(field, maxTextLength));
    }
    return;
  }
  if (type.name === 'ID') {
    if (!isUuid(value)) refuse('INVALID_ID', argument);
  } else if (type.name === 'String') {
    const problem = textProblem(value as string, maxTextLength);
    if (problem) refuse(problem, argument, problem === 'TEXT_TOO_LONG' ? { max: maxTextLength } : {});
  } else if (type.name === 'Float') {
    const problem = numberProblem(value as number);
    if (problem) refuse(problem, argument);
  } else if (value instanceof Date) {
    const problem = dateProblem(value);
    if (problem) refuse(problem, argument);
  }
}

/** Validates every argument a field received (see validateArgumentValue). */
export function validateFieldArguments(field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): void {
  const fieldMax = maxTextLengthOf(field, DEFAULT_MAX_TEXT_LENGTH);
  for (const argument of field.args) {
    validateArgumentValue(argument.type, args[argument.name], argument.name, maxTextLengthOf(argument, fieldMax));
  }
}

/**
 * Schema transform for the fields below the root (`Institution.statusHistory(first, after)`…):
 * each validates its arguments before its resolver runs. Nest runs no guards or interceptors on
 * them; root fields are validated by ArgumentValidationInterceptor, after the auth guard.
 */
export function validateNestedArgumentsAtTheEdge(schema: GraphQLSchema): GraphQLSchema {
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || roots.has(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.args.length === 0) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args: Record<string, unknown>, context, info) => {
        validateFieldArguments(field, args);
        return resolve(source, args, context, info);
      };
    }
  }
  return schema;
}
