import { describe, expect, it } from "vitest";
import { passAtK, wilsonInterval } from "../../../src/eval/pass-at-k.js";

describe("Wilson interval", () => {
  it("7 of 10 at 95 %: [0.3968, 0.8922] (by hand: centre (0.7 + 1.9208/10)/1.38416, half 1.96·√(0.021 + 0.009604)/1.38416)", () => {
    const w = wilsonInterval(7, 10);
    expect(w.low).toBeCloseTo(0.644486 - 0.24772, 4);
    expect(w.high).toBeCloseTo(0.644486 + 0.24772, 4);
  });
  it("0 of 5 and 5 of 5 stay inside [0, 1] and are not degenerate", () => {
    // 0/5: high = z²/n / (1 + z²/n) = 0.76832/1.76832 = 0.4345.
    expect(wilsonInterval(0, 5)).toEqual({ low: 0, high: expect.closeTo(0.76832 / 1.76832, 4) as number });
    expect(wilsonInterval(5, 5).low).toBeCloseTo(1 - 0.76832 / 1.76832, 4);
  });
});

describe("pass@k", () => {
  it("matches 1 − C(n−c,k)/C(n,k) by hand", () => {
    expect(passAtK(5, 2, 1)).toBeCloseTo(2 / 5, 12);
    expect(passAtK(5, 2, 2)).toBeCloseTo(1 - 3 / 10, 12); // C(3,2)=3, C(5,2)=10
    expect(passAtK(10, 3, 5)).toBeCloseTo(1 - 21 / 252, 12); // C(7,5)=21, C(10,5)=252
    expect(passAtK(3, 0, 3)).toBe(0);
    expect(passAtK(3, 1, 3)).toBe(1);
  });
  it("refuses k > n", () => {
    expect(() => passAtK(2, 1, 3)).toThrow(/k <= n/);
  });
});
