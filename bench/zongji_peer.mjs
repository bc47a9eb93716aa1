// zongji peer for bench/binlog_decode.sh: streams the same binlog range as binlake's
// binlog_decode_bench with @vlasky/zongji (a common Node.js binlog library), counts the rows
// of its row events and stops at the range's end.
// Usage: node bench/zongji_peer.mjs HOST PORT USER PASSWORD FILE START_POS END_POS
// Prints one JSON object on its last line.
import ZongJi from '@vlasky/zongji';

const [host, port, user, password, file, start, end] = process.argv.slice(2);
const endPos = Number(end);
const counts = { inserts: 0, updates: 0, deletes: 0, transactions: 0, events: 0 };
const t0 = process.hrtime.bigint();

const zongji = new ZongJi({ host, port: Number(port), user, password });
let done = false;
zongji.on('error', (err) => {
  if (done) return;
  console.error(`zongji_peer: ${err.stack ?? err}`);
  process.exit(1);
});
zongji.on('binlog', (evt) => {
  counts.events++;
  switch (evt.getEventName()) {
    case 'writerows':
      counts.inserts += evt.rows.length;
      break;
    case 'updaterows':
      counts.updates += evt.rows.length;
      break;
    case 'deleterows':
      counts.deletes += evt.rows.length;
      break;
    case 'xid':
      counts.transactions++;
      break;
  }
  if (!done && evt.nextPosition >= endPos && evt.getEventName() === 'xid') {
    done = true;
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const rows = counts.inserts + counts.updates + counts.deletes;
    console.log(JSON.stringify({
      rows,
      ...counts,
      seconds: +seconds.toFixed(3),
      rows_per_s: Math.round(rows / seconds),
    }));
    zongji.stop();
    setTimeout(() => process.exit(0), 100);
  }
});
zongji.start({
  serverId: 4243,
  filename: file,
  position: Number(start),
  includeEvents: ['tablemap', 'writerows', 'updaterows', 'deleterows', 'xid'],
});
