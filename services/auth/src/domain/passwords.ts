import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCallback(password, salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key))),
  );

/** scrypt cost parameters; stored with every hash so they can be raised later without breaking old hashes. */
const CURRENT = { N: 2 ** 15, r: 8, p: 1, keylen: 32 };

/** Format: scrypt$N$r$p$salt$hash (base64url). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p, keylen } = CURRENT;
  const key = await scrypt(password, salt, keylen, { N, r, p, maxmem: 128 * N * r * 2 });
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const N = Number(n);
  const key = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, {
    N,
    r: Number(r),
    p: Number(p),
    maxmem: 128 * N * Number(r) * 2,
  });
  return timingSafeEqual(key, expected);
}

/** A hash of a random password, checked when the e-mail is unknown so both answers take the same time. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  return decoy;
}

const COMMON = new Set([
  'password',
  'password1',
  'password12',
  'password123',
  'password1234',
  '1234567890',
  '12345678910',
  'qwertyuiop',
  'qwerty1234',
  'qwerty12345',
  '1q2w3e4r5t',
  'iloveyou123',
  'letmein123',
  'welcome123',
  'admin12345',
  'abc1234567',
  'passw0rd123',
  'football123',
  'baseball123',
  'monkey12345',
  'dragon12345',
  'sunshine123',
  'princess123',
  '0987654321',
  '1111111111',
  '0000000000',
  'aaaaaaaaaa',
  'asdfghjkl1',
  'zxcvbnm123',
  'trustno1234',
]);

/** Why a password is too weak, or undefined when it is acceptable. */
export function passwordWeakness(password: string, context: { email?: string; name?: string } = {}): string | undefined {
  if (password.length < 10) return 'must be at least 10 characters long';
  if (password.length > 200) return 'must be at most 200 characters long';
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return 'is a well-known password; choose another';
  if (new Set(lower).size < 4) return 'needs more variety (at least 4 different characters)';
  const localPart = context.email?.split('@')[0]?.toLowerCase();
  if (localPart && localPart.length >= 4 && lower.includes(localPart)) return 'must not contain your e-mail address';
  return undefined;
}
