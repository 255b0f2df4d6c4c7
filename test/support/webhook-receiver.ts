import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ReceivedRequest = { method: string; path: string; headers: IncomingHttpHeaders; body: string };

export type Answer = number | { status: number; body?: string; delayMs?: number };

export type WebhookReceiver = {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
};

/**
 * A real HTTP server on 127.0.0.1 and a free port that records every request and answers what
 * `answer` says for the n-th request (0-based): a status, or a status with a body and a delay.
 */
export async function startWebhookReceiver(
  answer: (request: ReceivedRequest, index: number) => Answer = () => 204,
): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const index = requests.length;
      requests.push(received);
      const given = answer(received, index);
      const reply = typeof given === 'number' ? { status: given } : given;
      const send = () => {
        res.statusCode = reply.status;
        res.end(reply.body ?? '');
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
