import { RuleTester } from 'eslint';
import * as tsParser from '@typescript-eslint/parser';
import rule from './require-access-decorator.cjs';

const tester = new RuleTester({ languageOptions: { parser: tsParser, ecmaVersion: 2022, sourceType: 'module' } });

tester.run('require-access-decorator', rule, {
  valid: [
    { name: 'query with roles', code: `@Resolver() class R { @Roles('platform-admin') @Query(() => String) a() {} }` },
    { name: 'query for any authenticated caller', code: `@Resolver() class R { @Authenticated() @Query(() => String) a() {} }` },
    { name: 'public route', code: `@Controller('health') class C { @Public() @Get('live') live() {} }` },
    { name: 'class-level roles (the guard reads the class too)', code: `@Roles('regulator') @Controller('x') class C { @Get() a() {} @Post() b() {} }` },
    { name: 'method public inside a class with roles', code: `@Roles('regulator') @Controller('x') class C { @Public() @Get() a() {} }` },
    { name: 'field resolver without access decorator', code: `@Resolver() class R { @ResolveField(() => String) f() {} }` },
    { name: 'undecorated helper method', code: `@Resolver() class R { private helper() {} }` },
    { name: 'not a resolver or controller', code: `@Injectable() class S { @Get() a() {} }` },
    { name: 'namespaced decorators', code: `@nest.Controller() class C { @auth.Roles('regulator') @nest.Get() a() {} }` },
  ],
  invalid: [
    {
      name: 'query without access decorator',
      code: `@Resolver() class R { @Query(() => String) me() {} }`,
      errors: [{ messageId: 'missing', data: { kind: 'Resolver', name: 'me' } }],
    },
    {
      name: 'mutation without access decorator next to one with',
      code: `@Resolver() class R { @Roles('platform-admin') @Mutation(() => String) a() {} @Mutation(() => String) b() {} }`,
      errors: [{ messageId: 'missing', data: { kind: 'Resolver', name: 'b' } }],
    },
    {
      name: 'route without access decorator (other decorators do not count)',
      code: `@Controller('audit') @UseFilters(F) class C { @UseFilters(F) @Get('export') exportLog() {} }`,
      errors: [{ messageId: 'missing', data: { kind: 'Controller', name: 'exportLog' } }],
    },
    {
      name: 'every HTTP verb is a handler',
      code: `@Controller() class C { @Put() a() {} @Patch() b() {} @Delete() c() {} @All() d() {} }`,
      errors: 4,
    },
    {
      name: 'class expression',
      code: `const R = @Resolver() class { @Query(() => String) a() {} }`,
      errors: [{ messageId: 'missing' }],
    },
    {
      name: '@Roles() with no role',
      code: `@Resolver() class R { @Roles() @Query(() => String) a() {} }`,
      errors: [{ messageId: 'emptyRoles' }],
    },
    {
      name: 'class-level @Public() silently wins over method roles',
      code: `@Public() @Controller() class C { @Roles('platform-admin') @Post() a() {} }`,
      errors: [{ messageId: 'publicOverridesRoles', data: { name: 'a' } }],
    },
    {
      name: 'access decorator on a field resolver (guards do not run there)',
      code: `@Resolver() class R { @Roles('regulator') @ResolveField(() => String) f() {} }`,
      errors: [{ messageId: 'fieldResolverAccess', data: { decorator: 'Roles', name: 'f' } }],
    },
  ],
});
