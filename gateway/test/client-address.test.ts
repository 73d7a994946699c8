import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientAddress } from '../src/client-address.js';

describe('client address for rate limits', () => {
  it('is the connecting address when no proxy is trusted, whatever X-Forwarded-For claims', () => {
    assert.equal(clientAddress({ ip: '10.0.0.9', headers: { 'x-forwarded-for': '1.2.3.4' } }, 0), '10.0.0.9');
  });

  it('is the address the trusted load balancer saw, not one the client wrote', () => {
    const request = { ip: '10.0.0.9', headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.7' } };
    assert.equal(clientAddress(request, 1), '203.0.113.7');
    assert.equal(clientAddress(request, 2), '6.6.6.6');
  });

  it('falls back to the leftmost entry when there are fewer hops than trusted', () => {
    assert.equal(clientAddress({ ip: '10.0.0.9', headers: {} }, 2), '10.0.0.9');
  });
});
