/**
 * `promise`, or a failure with `failure` as its message after `ms`: a wait for an event that a regression
 * would never bring fails the test, rather than holding it (and whatever it set up) until it is killed.
 */
export function within<T>(promise: Promise<T>, ms: number, failure: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(failure)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
