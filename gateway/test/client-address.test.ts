import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientAddress, trustProxySetting, type TrustedProxies } from '../src/client-address.js';

const trust = (value: string): TrustedProxies => trustProxySetting().parse(value);

describe('client address for rate limits', () => {
  it('is the connecting address when no proxy is trusted, whatever X-Forwarded-For claims', () => {
    for (const none of ['', 'none', '0']) {
      assert.equal(clientAddress({ ip: '10.0.0.9', headers: { 'x-forwarded-for': '1.2.3.4' } }, trust(none)), '10.0.0.9');
    }
  });

  it('is the address the trusted load balancer saw, not one the client wrote (hop count)', () => {
    const request = { ip: '10.0.0.9', headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.7' } };
    assert.equal(clientAddress(request, trust('1')), '203.0.113.7');
    assert.equal(clientAddress(request, trust('2')), '6.6.6.6');
  });

  it('falls back to the leftmost entry when there are fewer hops than trusted', () => {
    assert.equal(clientAddress({ ip: '10.0.0.9', headers: {} }, trust('2')), '10.0.0.9');
  });

  it('walks past trusted proxy addresses and ranges only (CIDR list)', () => {
    const proxies = trust('10.0.0.0/8, 192.0.2.1, fd00::/8');
    const request = (ip: string, forwarded: string) => ({ ip, headers: { 'x-forwarded-for': forwarded } });
    assert.equal(clientAddress(request('10.0.0.9', '6.6.6.6, 203.0.113.7, 192.0.2.1'), proxies), '203.0.113.7');
    assert.equal(clientAddress(request('::ffff:10.1.2.3', '203.0.113.7'), proxies), '203.0.113.7', 'IPv4-mapped socket address');
    assert.equal(clientAddress(request('fd00::5', '2001:db8::1'), proxies), '2001:db8::1');
    assert.equal(
      clientAddress(request('203.0.113.50', '6.6.6.6'), proxies),
      '203.0.113.50',
      'a client not behind a trusted proxy names nobody',
    );
    assert.equal(clientAddress(request('10.0.0.9', '10.0.0.8'), proxies), '10.0.0.8', 'all trusted: the leftmost');
  });

  it('refuses settings that are neither a hop count nor addresses', () => {
    assert.throws(() => trust('10.0.0.0/40'));
    assert.throws(() => trust('loadbalancer'));
    assert.throws(() => trust('9'));
  });
});
