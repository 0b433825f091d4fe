/** An HTTP Basic `Authorization` header value, as a browser sends it after the login prompt. */
export const basicAuth = (name: string, password: string): string => `Basic ${Buffer.from(`${name}:${password}`).toString("base64")}`;
