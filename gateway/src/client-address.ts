/**
 * The address of the client itself. Behind `trustedProxyHops` load balancers, each of which appends the
 * address it saw to X-Forwarded-For, it is the entry that many hops from the right; anything further left
 * was written by the client and cannot be trusted (it would let anyone pick their own rate-limit bucket).
 */
export function clientAddress(
  request: { ip: string; headers: Record<string, string | string[] | undefined> },
  trustedProxyHops: number,
): string {
  if (trustedProxyHops === 0) return request.ip;
  const header = request.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const chain = [...forwarded, request.ip];
  return chain[Math.max(0, chain.length - 1 - trustedProxyHops)]!;
}
