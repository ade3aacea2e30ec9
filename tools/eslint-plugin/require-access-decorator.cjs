// Every GraphQL operation and REST route states who may call it: @Roles(...), @Authenticated() or
// @Public(), on the method or on its class (the AuthGuard reads both, method first). Without one
// the guard's default (any authenticated caller) would be the only documentation of the access.
// Field resolvers are checked the other way round: guards do not run on them (no
// fieldResolverEnhancers), so an access decorator there would promise what nothing enforces.

const CLASS_DECORATORS = new Set(['Resolver', 'Controller']);
// Nest's GraphQL operation and HTTP route decorators: the guard runs before each of these.
const HANDLER_DECORATORS = new Set(['Query', 'Mutation', 'Subscription', 'Get', 'Post', 'Put', 'Patch', 'Delete', 'Head', 'Options', 'All', 'Search', 'Sse']);
const FIELD_RESOLVER_DECORATORS = new Set(['ResolveField', 'ResolveProperty', 'ResolveReference']);
const ACCESS_DECORATORS = new Set(['Roles', 'Public', 'Authenticated']);

/** `@Name(...)`, `@Name` or `@ns.Name(...)` → 'Name'. */
function decoratorName(decorator) {
  let node = decorator.expression;
  if (node.type === 'CallExpression') node = node.callee;
  if (node.type === 'MemberExpression' && !node.computed) node = node.property;
  return node.type === 'Identifier' ? node.name : undefined;
}

function findDecorator(node, names) {
  return (node.decorators ?? []).find((decorator) => names.has(decoratorName(decorator)));
}

/** @type {import('eslint').Rule.RuleModule} */
module.exports = {
  meta: {
    type: 'problem',
    docs: { description: 'Resolver and controller handlers carry @Roles(...), @Authenticated() or @Public()' },
    schema: [],
    messages: {
      missing: '{{kind}} handler "{{name}}" states no access: add @Roles(...), @Authenticated() or @Public() (the guard default is not documentation).',
      emptyRoles: '@Roles() with no role lets every authenticated caller in: say so with @Authenticated().',
      publicOverridesRoles:
        '@Public() on the class wins over @Roles on "{{name}}" (the guard reads the class after the method for @Public): the roles are never checked.',
      fieldResolverAccess: 'Guards do not run on field resolvers: @{{decorator}} on "{{name}}" would not be enforced; the parent query decides access.',
    },
  },
  create(context) {
    function checkEmptyRoles(node) {
      for (const decorator of node.decorators ?? []) {
        if (decoratorName(decorator) === 'Roles' && decorator.expression.type === 'CallExpression' && decorator.expression.arguments.length === 0) {
          context.report({ node: decorator, messageId: 'emptyRoles' });
        }
      }
    }

    function checkClass(classNode) {
      const kindDecorator = findDecorator(classNode, CLASS_DECORATORS);
      if (!kindDecorator) return;
      const kind = decoratorName(kindDecorator);
      checkEmptyRoles(classNode);
      const classAccess = findDecorator(classNode, ACCESS_DECORATORS);
      const classIsPublic = classAccess && decoratorName(classAccess) === 'Public';

      for (const member of classNode.body.body) {
        if (member.type !== 'MethodDefinition' || !member.decorators?.length) continue;
        const name = member.key.type === 'Identifier' ? member.key.name : context.sourceCode.getText(member.key);
        const access = findDecorator(member, ACCESS_DECORATORS);
        if (findDecorator(member, FIELD_RESOLVER_DECORATORS)) {
          if (access) {
            context.report({ node: access, messageId: 'fieldResolverAccess', data: { decorator: decoratorName(access), name } });
          }
          continue;
        }
        if (!findDecorator(member, HANDLER_DECORATORS)) continue;
        checkEmptyRoles(member);
        if (!access && !classAccess) {
          context.report({ node: member.key, messageId: 'missing', data: { kind, name } });
        } else if (classIsPublic && access && decoratorName(access) === 'Roles') {
          context.report({ node: access, messageId: 'publicOverridesRoles', data: { name } });
        }
      }
    }

    return { ClassDeclaration: checkClass, ClassExpression: checkClass };
  },
};
