import { isLoopbackHost } from '../../lib/internal/loopback';

describe('isLoopbackHost', () => {
  it.each(['localhost', 'LOCALHOST', 'app.localhost', '127.0.0.1', '127.255.0.9', '::1', '[::1]'])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });
  it.each(['example.com', 'localhost.example.com', '128.0.0.1', '10.0.0.1', '127.0.0', '::2', '0.0.0.0', 'mylocalhost'])('%s is not', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});
