/**
 * x mod m for a power of two m and 0 <= x < 2^53. Page and frame numbers are doubles to V8, and
 * `%` on a double is a call to libm's fmod; dividing by a power of two is exact in doubles, so
 * this floor form is exact too and stays in registers. (The page walk and the generators'
 * packed entries take it.)
 */
export function modPow2(x: number, m: number): number {
  return x - Math.floor(x / m) * m;
}
