import { BlockList, isIP } from 'node:net';
import { z } from 'zod';

/**
 * Which proxies in front of the gateway may say who the client is (TRUST_PROXY):
 * - none (the default): clients connect directly; X-Forwarded-For is the client's own say and is ignored;
 * - a hop count: that many load balancers, each appending the address it saw to X-Forwarded-For;
 * - addresses/CIDRs: connections from those are proxies; the client is the first address, from the right of
 *   the chain, that is not one of them.
 */
export type TrustedProxies = { kind: 'none' } | { kind: 'hops'; hops: number } | { kind: 'addresses'; list: BlockList; text: string };

const IPV4_MAPPED = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;
const plain = (address: string) => IPV4_MAPPED.exec(address)?.[1] ?? address;

export const trustProxySetting = () =>
  z
    .string()
    .default('')
    .transform((value, context): TrustedProxies => {
      const text = value.trim();
      if (text === '' || text === 'none' || text === 'false' || text === '0') return { kind: 'none' };
      if (/^\d+$/.test(text)) {
        const hops = Number(text);
        if (hops > 5) context.addIssue({ code: 'custom', message: 'more than 5 proxy hops is surely a mistake' });
        return { kind: 'hops', hops };
      }
      const list = new BlockList();
      for (const entry of text
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean)) {
        const [address = '', prefix] = entry.split('/');
        const family = isIP(address);
        const bits = prefix === undefined ? (family === 6 ? 128 : 32) : Number(prefix);
        if (!family || !Number.isInteger(bits) || bits < 0 || bits > (family === 6 ? 128 : 32)) {
          context.addIssue({
            code: 'custom',
            message: `"${entry}" is neither a hop count nor an IP address or CIDR range (e.g. 1, or 10.0.0.0/8,fd00::/8)`,
          });
          return z.NEVER;
        }
        list.addSubnet(address, bits, family === 6 ? 'ipv6' : 'ipv4');
      }
      return { kind: 'addresses', list, text };
    });

function isTrusted(list: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * The address of the client itself. Only proxies the gateway was told to trust may name it in X-Forwarded-For;
 * anything further left was written by the client and cannot be trusted (it would let anyone pick their own
 * rate-limit bucket, or someone else's).
 */
export function clientAddress(
  request: { ip: string; headers: Record<string, string | string[] | undefined> },
  trusted: TrustedProxies,
): string {
  const socket = plain(request.ip);
  if (trusted.kind === 'none') return socket;
  const header = request.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => plain(entry.trim()))
    .filter(Boolean);
  const chain = [...forwarded, socket];
  if (trusted.kind === 'hops') return chain[Math.max(0, chain.length - 1 - trusted.hops)]!;
  let index = chain.length - 1;
  while (index > 0 && isTrusted(trusted.list, chain[index]!)) index--;
  return chain[index]!;
}
