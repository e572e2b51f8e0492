/** Hand-computed volumes of the examples (mm³), from their dimensions. */

const PI = Math.PI;

/** Rounded-corner plate with a 3 x 2 grid of through holes. */
export function plateVolume(length: number, width = 60, t = 6, r = 5, d = 6.6): number {
  const cornerWaste = 4 * (r * r - (PI * r * r) / 4) * t;
  const holes = 6 * PI * (d / 2) ** 2 * t;
  return length * width * t - cornerWaste - holes;
}

/** One through hole of diameter d in thickness t with a 90° countersink to diameter D. */
export function countersunkHole(d: number, D: number, t: number): number {
  const r = d / 2;
  const R = D / 2;
  const h = R - r;
  return PI * r * r * t + ((PI * h) / 3) * (R * R + R * r + r * r) - PI * r * r * h;
}

/** The end rounds are min(R2, 0.4·t) so a thinner bracket still rounds (two R2 rounds need t > 4). */
export function bracketVolume(t = 5): number {
  const [w, base, height, bendR] = [40, 60, 50, 6];
  const endR = Math.min(2, 0.4 * t);
  const l = w * t * (base + height - t);
  const bend = (bendR * bendR - (PI * bendR * bendR) / 4) * w;
  const ends = 4 * (endR * endR - (PI * endR * endR) / 4) * w;
  return l - 4 * countersunkHole(5.5, 11, t) + bend - ends;
}

export function bushingVolume(count = 4): number {
  const [bore, body, length, flange, flangeT, bolt] = [10, 15, 40, 30, 8, 3.3];
  const flangeRing = PI * (flange * flange - bore * bore) * flangeT;
  const bodyTube = PI * (body * body - bore * bore) * (length - flangeT);
  return flangeRing + bodyTube - count * PI * bolt * bolt * flangeT;
}
