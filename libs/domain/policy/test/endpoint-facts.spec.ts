import { HOSTINGS, NETWORK_ZONES, isHosting, isNetworkZone } from '../src';

describe('hostings and network zones: the one definition, and the one way in from a string', () => {
  it('accepts exactly the listed values', () => {
    for (const hosting of HOSTINGS) expect(isHosting(hosting)).toBe(true);
    for (const zone of NETWORK_ZONES) expect(isNetworkZone(zone)).toBe(true);
    for (const other of ['on-premises', 'Shared-Infrastructure', '', 'internal ', null, undefined, 1, 'internet\u0000']) {
      expect(isHosting(other)).toBe(false);
      expect(isNetworkZone(other)).toBe(false);
    }
  });
});
