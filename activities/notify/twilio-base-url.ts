import twilio from 'twilio';

/**
 * The twilio SDK only lets you pick a region and edge of *.twilio.com. To reach a Twilio-compatible
 * endpoint elsewhere (the loopback sink, a test double, a relay) we give the SDK its own
 * `httpClient`: a RequestClient that moves every request's origin to `baseUrl`, keeping the path.
 */
export class BaseUrlRequestClient extends twilio.RequestClient {
  private readonly base: URL;

  constructor(baseUrl: string, opts?: ConstructorParameters<typeof twilio.RequestClient>[0]) {
    super(opts);
    this.base = new URL(baseUrl);
  }

  override request<TData>(opts: Parameters<typeof twilio.RequestClient.prototype.request<TData>>[0]) {
    const original = new URL(opts.uri);
    const target = new URL(this.base.href);
    target.pathname = `${this.base.pathname.replace(/\/$/, '')}${original.pathname}`;
    target.search = original.search;
    return super.request<TData>({ ...opts, uri: target.href });
  }
}
