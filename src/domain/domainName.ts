/**
 * A primary domain as partners type it for a customer or organization: DNS labels of 1-63 letters,
 * digits or inner hyphens, at least one dot, a 2-63 letter top-level label, 253 characters at most
 * (e.g. `fabrikam.com`, `fabrikam.onmicrosoft.com`). ASCII only: internationalized domains are
 * entered in their `xn--` form, as Partner Center shows them.
 */
export const DOMAIN_NAME = /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
