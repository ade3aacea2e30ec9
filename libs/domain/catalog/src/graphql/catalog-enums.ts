import { registerEnumType } from '@nestjs/graphql';
import type { Hosting, NetworkZone } from '@ai-commons/policy';

// GraphQL enum names cannot contain dashes: `shared_infrastructure` in the schema is
// `shared-infrastructure` in the database and in the domain types (as tenancy does for
// `personal-credit`).

export enum ModelKindEnum {
  open = 'open',
  commercial = 'commercial',
}
registerEnumType(ModelKindEnum, { name: 'ModelKind', description: 'Open-weight or commercial (API-only) model' });

export enum ModalityEnum {
  text = 'text',
  image = 'image',
  audio = 'audio',
  video = 'video',
}
registerEnumType(ModalityEnum, { name: 'Modality' });

export enum CatalogStatusEnum {
  available = 'available',
  retired = 'retired',
}
registerEnumType(CatalogStatusEnum, { name: 'CatalogStatus', description: 'Whether new endpoints may use a model or offering' });

export enum HostingEnum {
  shared_infrastructure = 'shared-infrastructure',
  dedicated_on_premises = 'dedicated-on-premises',
  cloud_commercial = 'cloud-commercial',
}
registerEnumType(HostingEnum, { name: 'Hosting', description: 'Where the model behind an offering runs' });

export enum NetworkZoneEnum {
  internal = 'internal',
  internet = 'internet',
}
// The GraphQL enums carry exactly the policy's hostings and zones: a compile error otherwise.
type SameValues<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _hostingEnumMatches: SameValues<`${HostingEnum}`, Hosting> = true;
const _networkZoneEnumMatches: SameValues<`${NetworkZoneEnum}`, NetworkZone> = true;

registerEnumType(NetworkZoneEnum, {
  name: 'NetworkZone',
  description: "internal: inside the institutions' separated network (망분리); internet: outside it",
});

export enum IsolationModeEnum {
  dedicated = 'dedicated',
  shared_pool = 'shared-pool',
}
registerEnumType(IsolationModeEnum, {
  name: 'IsolationMode',
  description: 'dedicated: capacity reserved for one institution; shared-pool: shared capacity with per-institution quotas',
});

export enum UpstreamDriverEnum {
  openai_compatible = 'openai-compatible',
  azure_openai = 'azure-openai',
}
registerEnumType(UpstreamDriverEnum, { name: 'UpstreamDriver', description: 'Wire protocol the gateway speaks to the upstream' });

export enum EndpointStateEnum {
  provisioning = 'provisioning',
  active = 'active',
  draining = 'draining',
  retired = 'retired',
}
registerEnumType(EndpointStateEnum, {
  name: 'EndpointState',
  description: 'provisioning → active → draining → retired; also draining → active and provisioning → retired',
});

export enum EndpointHealthEnum {
  unknown = 'unknown',
  healthy = 'healthy',
  unhealthy = 'unhealthy',
}
registerEnumType(EndpointHealthEnum, { name: 'EndpointHealth', description: "Result of the control plane's last upstream probe" });

export enum ApiKeyStatusEnum {
  active = 'active',
  expired = 'expired',
  revoked = 'revoked',
}
registerEnumType(ApiKeyStatusEnum, { name: 'ApiKeyStatus' });

export enum TargetStateEnum {
  active = 'active',
  draining = 'draining',
}
registerEnumType(TargetStateEnum, { name: 'EndpointTargetState', description: 'active: takes new requests; draining: finishes what it has, takes none' });

export enum LoadBalancingEnum {
  least_outstanding = 'least-outstanding',
  round_robin = 'round-robin',
  prefix_affinity = 'prefix-affinity',
}
registerEnumType(LoadBalancingEnum, {
  name: 'LoadBalancing',
  description:
    "How the gateway spreads an endpoint's requests over its targets: least_outstanding (fewest requests in flight per weight), round_robin (weighted), prefix_affinity (least_outstanding, but requests sharing a long prompt prefix go to the replica that served it recently, within a load bound)",
});
