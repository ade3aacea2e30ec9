import { formatSchemaChanges, schemaChanges } from '../src/schema/schema-changes';

const BEFORE = `
type Query { institution(id: ID!): Institution, institutions: [Institution!]! }
type Institution { id: ID!, name: String!, shortCode: String! }
enum Hosting { ON_PREMISES VPC }
`;

describe('schemaChanges (@graphql-inspector/core)', () => {
  it('classifies removed fields and new required arguments as breaking, new enum values as dangerous, additions as safe', async () => {
    const after = `
      type Query { institution(id: ID!, region: String!): Institution, institutions: [Institution!]!, models: [String!]! }
      type Institution { id: ID!, name: String! }
      enum Hosting { ON_PREMISES VPC SAAS }
    `;
    const changes = await schemaChanges(BEFORE, after);
    expect(changes.breaking).toEqual(
      expect.arrayContaining([
        expect.stringContaining("'shortCode' was removed"),
        expect.stringContaining("Argument 'region: String!' added to field 'Query.institution'"),
      ]),
    );
    expect(changes.breaking).toHaveLength(2);
    expect(changes.dangerous).toEqual([expect.stringContaining("Enum value 'SAAS' was added to enum 'Hosting'")]);
    expect(changes.safe).toEqual([expect.stringContaining("Field 'models' was added to object type 'Query'")]);

    const report = formatSchemaChanges(changes, 'HEAD~1');
    expect(report).toMatch(/^GraphQL schema against HEAD~1: 2 breaking, 1 dangerous, 1 safe change\(s\)\./);
    expect(report).toContain("  ✘ BREAKING   Field 'shortCode' was removed from object type 'Institution'");
    expect(report).toContain('reported, not refused');
  });

  it('reports no change for the same schema written in another order', async () => {
    const reordered = `enum Hosting { VPC ON_PREMISES }\ntype Institution { shortCode: String!, name: String!, id: ID! }\ntype Query { institutions: [Institution!]!, institution(id: ID!): Institution }`;
    expect(formatSchemaChanges(await schemaChanges(BEFORE, reordered), 'HEAD')).toBe('GraphQL schema: no change against HEAD.');
  });
});
