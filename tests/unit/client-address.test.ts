// Which client a rate limit counts: never a header the client could choose for itself.
import { describe, expect, it } from 'vitest';
import { clientAddress } from '../../src/http/rate-limit.ts';

const request = (headers: Record<string, string> = {}) => new Request('http://register.test/v/check', { method: 'POST', headers });
const node = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress } } });

describe('clientAddress', () => {
  it('on Node takes the socket’s address and ignores a cf-connecting-ip the client sent', () => {
    expect(clientAddress(request({ 'cf-connecting-ip': '203.0.113.9' }), node('198.51.100.4'))).toBe('198.51.100.4');
  });

  it('behind a configured proxy takes the proxy’s header (its first address)', () => {
    expect(clientAddress(request({ 'x-real-ip': '203.0.113.9, 10.0.0.1' }), node('10.0.0.1'), 'x-real-ip')).toBe('203.0.113.9');
    expect(clientAddress(request(), node('10.0.0.1'), 'x-real-ip')).toBe('unknown');
  });

  it('on Workers (no socket) takes cf-connecting-ip, which Cloudflare sets', () => {
    expect(clientAddress(request({ 'cf-connecting-ip': '203.0.113.9' }), {})).toBe('203.0.113.9');
    expect(clientAddress(request(), undefined)).toBe('unknown');
  });

  it('counts IPv6 per /64 and IPv4-mapped addresses as IPv4', () => {
    const key = (a: string) => clientAddress(request(), node(a));
    expect(key('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(key('2001:0db8:0001:0002::9')).toBe('2001:db8:1:2::/64');
    expect(key('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(key('2001:db8:1:3::1')).not.toBe(key('2001:db8:1:2::1'));
    expect(key('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(key('::1')).toBe('0:0:0:0::/64');
  });
});
