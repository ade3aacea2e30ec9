import { ArgsType, Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection } from '@ai-commons/graphql';

export enum AuditOutcomeEnum {
  success = 'success',
  denied = 'denied',
  failure = 'failure',
}
registerEnumType(AuditOutcomeEnum, { name: 'AuditOutcome' });

@ObjectType('AuditActor', { description: 'Who acted, as authentication established it' })
export class AuditActorType {
  @Field(() => String) subject!: string;
  @Field(() => String, { nullable: true }) username!: string | null;
  @Field(() => ID, { nullable: true, description: 'Institution the credential named' }) institutionId!: string | null;
  @Field(() => [String]) roles!: string[];
  @Field(() => String, { nullable: true, description: 'OAuth client or API key id' }) clientId!: string | null;
  @Field(() => String, { nullable: true }) authMethod!: string | null;
  @Field(() => String, { nullable: true }) sourceAddress!: string | null;
}

@ObjectType('AuditEvent', { description: 'One entry of the tamper-evident audit log' })
export class AuditEventType {
  @Field(() => ID) id!: string;
  @Field(() => Float, { nullable: true, description: 'Position in the log (integer); null until sequenced (usually within a second)' })
  leafIndex!: number | null;
  @Field(() => String, { description: 'UTC instant, millisecond precision (the timestamp inside the hashed leaf)' })
  timestamp!: string;
  @Field(() => ID, { nullable: true, description: 'Institution the event belongs to; null for platform events' })
  institutionId!: string | null;
  @Field(() => String, { nullable: true }) requestId!: string | null;
  @Field(() => AuditActorType) actor!: AuditActorType;
  @Field(() => String) action!: string;
  @Field(() => String) resourceType!: string;
  @Field(() => String, { nullable: true }) resourceId!: string | null;
  @Field(() => AuditOutcomeEnum) outcome!: AuditOutcomeEnum;
  @Field(() => String, { nullable: true, description: 'Gateway requests: endpoint name' }) endpoint!: string | null;
  @Field(() => String, { nullable: true, description: 'Gateway requests: upstream model' }) model!: string | null;
  @Field(() => String, { nullable: true }) dataClassification!: string | null;
  @Field(() => Int, { nullable: true }) promptTokens!: number | null;
  @Field(() => Int, { nullable: true }) completionTokens!: number | null;
  @Field(() => Int, { nullable: true }) latencyMs!: number | null;
  @Field(() => Int, { nullable: true }) httpStatus!: number | null;
  @Field(() => String, { nullable: true }) policyDecision!: string | null;
  @Field(() => String, { nullable: true, description: "HMAC-SHA256 (hex) of the prompt under the institution's key" })
  promptHmac!: string | null;
  @Field(() => String, {
    nullable: true,
    description:
      "HMAC-SHA256 (hex) of the response body the caller received (every byte of a stream, in order) under the institution's key; on completion records",
  })
  responseHmac!: string | null;
  @Field(() => String, { description: 'Further details, as a JSON object' }) details!: string;
}

export const AuditEventConnection = Connection(AuditEventType, 'AuditEvent');

@ObjectType('SignedTreeHead', { description: 'A signed root of the audit log (RFC 9162 tree, Ed25519 signature)' })
export class SignedTreeHeadType {
  @Field(() => Float, { description: 'Number of leaves (integer)' }) treeSize!: number;
  @Field(() => String, { description: 'UTC instant the head was signed' }) timestamp!: string;
  @Field(() => String, { description: 'Merkle tree hash, lowercase hex' }) rootHash!: string;
  @Field(() => String, { description: 'SHA-256 of the raw public key, lowercase hex' }) keyId!: string;
  @Field(() => String, { description: 'Base64 Ed25519 signature over the canonical tree-head payload' }) signature!: string;
}

@ObjectType('AuditPublicKey', { description: 'The key that signs tree heads: pin it for offline verification' })
export class AuditPublicKeyType {
  @Field(() => String, { description: 'SPKI PEM' }) pem!: string;
  @Field(() => String, { description: 'Raw 32-byte Ed25519 key, base64' }) base64!: string;
  @Field(() => String) keyId!: string;
}

@ObjectType('AuditLogPublicKey', {
  description:
    'A key that signs or signed tree heads: the current one, those retired by key rotation, and key ids of stored heads the platform does not know (known: false). Pin the ones you verify with a copy obtained out of band.',
})
export class AuditLogPublicKeyType {
  @Field(() => String, { description: 'SHA-256 of the raw public key, lowercase hex: the keyId of the heads it signed' }) keyId!: string;
  @Field(() => Boolean, {
    description:
      'false for a key id that signed stored heads but is neither the current key nor in AUDIT_RETIRED_PUBLIC_KEYS: the platform cannot give its key',
  })
  known!: boolean;
  @Field(() => String, { nullable: true, description: 'SPKI PEM (null: unknown key)' }) pem!: string | null;
  @Field(() => String, { nullable: true, description: 'Raw 32-byte Ed25519 key, base64 (null: unknown key)' }) base64!: string | null;
  @Field(() => Boolean, { description: 'true for the key that signs new heads; retired and unknown keys only verify older ones' }) current!: boolean;
  @Field(() => Float, { description: 'How many stored tree heads it signed' }) treeHeadCount!: number;
  @Field(() => Float, { nullable: true, description: 'Size of the smallest tree head it signed (null: none)' }) firstTreeSize!: number | null;
  @Field(() => Float, { nullable: true, description: 'Size of the largest tree head it signed' }) lastTreeSize!: number | null;
  @Field(() => String, { nullable: true, description: 'UTC instant of the first head it signed' }) firstSignedAt!: string | null;
  @Field(() => String, { nullable: true, description: 'UTC instant of the last head it signed' }) lastSignedAt!: string | null;
}

@ObjectType('InclusionProof', { description: 'RFC 9162 inclusion proof of an event against a signed tree head' })
export class InclusionProofType {
  @Field(() => Float) leafIndex!: number;
  @Field(() => Float) treeSize!: number;
  @Field(() => String, { description: 'SHA-256(0x00 ‖ canonicalEvent), lowercase hex' }) leafHash!: string;
  @Field(() => String, { description: 'The RFC 8785 canonical JSON the leaf commits to' }) canonicalEvent!: string;
  @Field(() => [String], { description: 'Audit path, innermost first, lowercase hex' }) proof!: string[];
  @Field(() => SignedTreeHeadType) treeHead!: SignedTreeHeadType;
}

@ObjectType('AuditEventWithProof')
export class AuditEventWithProofType {
  @Field(() => AuditEventType) event!: AuditEventType;
  @Field(() => InclusionProofType, { nullable: true, description: 'Null until a signed tree head covers the event' })
  inclusionProof!: InclusionProofType | null;
}

@ObjectType('PlaygroundCall', { description: "What the audit log holds of one of the caller's playground calls" })
export class PlaygroundCallType {
  @Field(() => String) requestId!: string;
  @Field(() => String, { nullable: true, description: "The data-handling policy's decision, e.g. mask:<rule>@v<version> rrn×1" })
  policyDecision!: string | null;
  @Field(() => String, { nullable: true }) dataClassification!: string | null;
  @Field(() => String, { nullable: true }) endpoint!: string | null;
  @Field(() => Boolean, { description: 'False until the completion record (tokens charged) is written, a moment after the answer' }) completed!: boolean;
  @Field(() => Int, { nullable: true, description: 'Prompt tokens charged' }) promptTokens!: number | null;
  @Field(() => Int, { nullable: true, description: 'Completion tokens charged' }) completionTokens!: number | null;
  @Field(() => Int, { nullable: true }) httpStatus!: number | null;
  @Field(() => String, { nullable: true, description: "The use-case check's decision" }) useCaseDecision!: string | null;
}

export const SignedTreeHeadConnection = Connection(SignedTreeHeadType, 'SignedTreeHead');

@ArgsType()
export class TreeHeadRangeArgs {
  @Field(() => Date, { nullable: true, description: 'Signed at or after (inclusive)' }) from?: Date;
  @Field(() => Date, { nullable: true, description: 'Signed before (exclusive)' }) to?: Date;
}

@ObjectType('ConsistencyProof', { description: 'RFC 9162 proof that the tree of toSize leaves extends the tree of fromSize' })
export class ConsistencyProofType {
  @Field(() => Float) fromSize!: number;
  @Field(() => Float) toSize!: number;
  @Field(() => String) fromRootHash!: string;
  @Field(() => String) toRootHash!: string;
  @Field(() => [String]) proof!: string[];
}

@InputType('AuditEventFilter')
export class AuditEventFilterInput {
  @Field(() => ID, { nullable: true, description: 'Members may only name their own institution' }) institutionId?: string;
  @Field(() => String, { nullable: true, description: 'Actor subject' }) actor?: string;
  @Field(() => String, { nullable: true }) action?: string;
  @Field(() => String, { nullable: true }) resourceType?: string;
  @Field(() => String, { nullable: true }) resourceId?: string;
  @Field(() => AuditOutcomeEnum, { nullable: true }) outcome?: AuditOutcomeEnum;
  @Field(() => Date, { nullable: true, description: 'Inclusive' }) from?: Date;
  @Field(() => Date, { nullable: true, description: 'Exclusive' }) to?: Date;
}

@ArgsType()
export class ConsistencyProofArgs {
  @Field(() => Float) fromSize!: number;
  @Field(() => Float) toSize!: number;
}
