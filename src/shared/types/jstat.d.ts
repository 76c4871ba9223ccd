// jstat ships no type declarations; these cover the functions stratalign uses. Extend as needed.
declare module 'jstat' {
  type Dist = {
    pdf(x: number, ...params: number[]): number;
    cdf(x: number, ...params: number[]): number;
    inv(p: number, ...params: number[]): number;
  };
  const jStat: {
    normal: Dist;
    beta: Dist;
    binomial: { pdf(k: number, n: number, p: number): number; cdf(k: number, n: number, p: number): number };
    chisquare: Dist;
    studentt: Dist;
    centralF: Dist;
    corrcoeff(a: number[], b: number[]): number;
    spearmancoeff(a: number[], b: number[]): number;
    mean(a: number[]): number;
    stdev(a: number[], sample?: boolean): number;
    variance(a: number[], sample?: boolean): number;
    median(a: number[]): number;
    percentile(a: number[], k: number, exclusive?: boolean): number;
    ztest(z: number, sides: number): number;
    betaln(a: number, b: number): number;
  };
  export default jStat;
}
