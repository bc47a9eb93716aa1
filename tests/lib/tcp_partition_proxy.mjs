// A TCP proxy that can stage a network partition between binlake and a real server: while
// partitioned, no byte passes in either direction and no connection is closed (as when a link
// or a firewall drops packets silently), and new connections are accepted and then left
// silent. Healing lets new connections through again; the connections held during the
// partition are then reset, as TCP eventually does.

import { connect, createServer } from 'node:net';

/**
 * Starts the proxy on listenHost (default 127.0.0.1; any 127.x.y.z works on Linux), a free
 * port, in front of host:port. Resolves to { port, partition(), heal(), close(), stats };
 * stats.connections counts accepted connections.
 */
export async function startPartitionProxy(host, port, listenHost = '127.0.0.1') {
  let partitioned = false;
  const pairs = new Set();  // [client, server] pieces of forwarded connections
  const held = new Set();   // connections accepted during the partition
  const stats = { connections: 0 };

  const server = createServer((client) => {
    ++stats.connections;
    client.on('error', () => {});
    if (partitioned) {
      held.add(client);
      client.pause();
      client.on('close', () => held.delete(client));
      return;
    }
    const upstream = connect(port, host);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    const pair = [client, upstream];
    pairs.add(pair);
    const forward = (from, to) => from.on('data', (d) => {
      if (!to.write(d)) {
        from.pause();
        to.once('drain', () => { if (!partitioned) from.resume(); });
      }
    });
    forward(client, upstream);
    forward(upstream, client);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
  });
  await new Promise((resolve) => server.listen(0, listenHost, resolve));

  return {
    port: server.address().port,
    stats,
    /** From now on nothing passes, and nothing is closed. */
    partition() {
      partitioned = true;
      for (const [client, upstream] of pairs) {
        client.pause();
        upstream.pause();
      }
    },
    /** New connections pass again; those left over from the partition are reset. */
    heal() {
      partitioned = false;
      for (const [client, upstream] of pairs) {
        client.resetAndDestroy();
        upstream.destroy();
      }
      for (const c of held) c.resetAndDestroy();
    },
    close() {
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
      for (const c of held) c.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
