import type { EndpointHealth } from '../endpoints/endpoint.model';
import type { TargetState } from '../targets/target.model';
import type { ProbeOutcome } from './probe-request';

export interface TargetProbe extends ProbeOutcome {
  state: TargetState;
}

/**
 * An endpoint's health from its targets' probes: healthy while at least one active target is (the
 * gateway can serve it), unhealthy otherwise. With one target the detail is that target's; with
 * several it counts them and names the first failure (never a URL: the detail is shown to tenant
 * admins too).
 */
export function endpointHealthOf(probes: readonly TargetProbe[]): ProbeOutcome {
  const active = probes.filter((probe) => probe.state === 'active');
  if (probes.length === 1) return { health: probes[0].health, detail: probes[0].detail };
  const healthy = active.filter((probe) => probe.health === 'healthy').length;
  const health: Exclude<EndpointHealth, 'unknown'> = healthy > 0 ? 'healthy' : 'unhealthy';
  const failing = probes.find((probe) => probe.health !== 'healthy');
  const detail = `${healthy} of ${active.length} active replicas healthy${failing ? `; one failing: ${failing.detail}` : ''}`;
  return { health, detail: detail.slice(0, 500) };
}
