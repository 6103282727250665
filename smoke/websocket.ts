import { createHash, randomBytes } from "node:crypto";
import * as net from "node:net";
import * as tls from "node:tls";

/**
 * Just enough of a WebSocket client (RFC 6455) to open a connection, send one text message and
 * read the replies: Node 20 has no WebSocket without a flag, and the smoke test adds no
 * dependency. Frames from the client are masked, as the protocol requires.
 */

export const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/** The accept value a server must answer a key with. */
export function acceptFor(key: string): string {
  return createHash("sha1")
    .update(key + WS_GUID)
    .digest("base64");
}

/** One frame: FIN set, the given opcode, masked when `mask`. */
export function encodeFrame(payload: Buffer, opcode: number, mask: boolean): Buffer {
  const length = payload.length;
  const header: number[] = [0x80 | opcode];
  const maskBit = mask ? 0x80 : 0;
  if (length < 126) header.push(maskBit | length);
  else if (length < 65536) header.push(maskBit | 126, length >> 8, length & 0xff);
  else throw new Error("frame too large for the smoke test");
  if (!mask) return Buffer.concat([Buffer.from(header), payload]);
  const key = randomBytes(4);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ (key[i % 4] ?? 0)));
  return Buffer.concat([Buffer.from(header), key, masked]);
}

/** Complete frames at the start of `buffer`, and what is left over. */
export function decodeFrames(buffer: Buffer): { frames: { opcode: number; payload: Buffer }[]; rest: Buffer } {
  const frames: { opcode: number; payload: Buffer }[] = [];
  let offset = 0;
  while (buffer.length - offset >= 2) {
    const opcode = (buffer[offset] ?? 0) & 0x0f;
    const second = buffer[offset + 1] ?? 0;
    const masked = (second & 0x80) !== 0;
    let length = second & 0x7f;
    let cursor = offset + 2;
    if (length === 126) {
      if (buffer.length < cursor + 2) break;
      length = buffer.readUInt16BE(cursor);
      cursor += 2;
    } else if (length === 127) {
      if (buffer.length < cursor + 8) break;
      length = Number(buffer.readBigUInt64BE(cursor));
      cursor += 8;
    }
    const key = masked ? buffer.subarray(cursor, cursor + 4) : undefined;
    if (masked) cursor += 4;
    if (buffer.length < cursor + length) break;
    const raw = buffer.subarray(cursor, cursor + length);
    const payload = key ? Buffer.from(raw.map((byte, i) => byte ^ (key[i % 4] ?? 0))) : Buffer.from(raw);
    frames.push({ opcode, payload });
    offset = cursor + length;
  }
  return { frames, rest: buffer.subarray(offset) };
}

export interface WsExchange {
  /** The HTTP status line of the upgrade answer. */
  status: string;
  /** Text (or binary) messages received before `done` said enough, or the time ran out. */
  messages: string[];
}

/**
 * Opens `url` (ws: or wss:), sends `message`, and collects messages until `done` returns true.
 * Rejects with what went wrong: no connection, no upgrade (the status the server gave), a wrong
 * accept key, the connection closed, or the deadline.
 */
export function wsExchange(
  url: string,
  message: string,
  done: (messages: string[]) => boolean,
  timeoutMs: number,
): Promise<WsExchange> {
  const target = new URL(url);
  const secure = target.protocol === "wss:";
  const port = Number(target.port || (secure ? 443 : 80));
  const key = randomBytes(16).toString("base64");
  return new Promise((resolve, reject) => {
    const socket: net.Socket = secure
      ? tls.connect({ host: target.hostname, port, servername: target.hostname })
      : net.connect({ host: target.hostname, port });
    let settled = false;
    const finish = (error: Error | undefined, value?: WsExchange) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(value!);
    };
    const timer = setTimeout(
      () =>
        finish(
          new Error(
            upgraded ? `no answer within ${timeoutMs} ms after the handshake message` : `no upgrade within ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
    let upgraded = false;
    let status = "";
    let buffer: Buffer = Buffer.alloc(0);
    const messages: string[] = [];
    socket.on(secure ? "secureConnect" : "connect", () => {
      socket.write(
        [
          `GET ${target.pathname}${target.search} HTTP/1.1`,
          `Host: ${target.host}`,
          "Upgrade: websocket",
          "Connection: Upgrade",
          `Sec-WebSocket-Key: ${key}`,
          "Sec-WebSocket-Version: 13",
          "User-Agent: faf-smoke",
          "",
          "",
        ].join("\r\n"),
      );
    });
    socket.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!upgraded) {
        const end = buffer.indexOf("\r\n\r\n");
        if (end < 0) return;
        const head = buffer.subarray(0, end).toString("latin1").split("\r\n");
        status = head[0] ?? "";
        if (!/^HTTP\/1\.1 101/.test(status)) return finish(new Error(`the server answered the upgrade with "${status}"`));
        const accept = head
          .find((line) => /^sec-websocket-accept:/i.test(line))
          ?.split(":")[1]
          ?.trim();
        if (accept !== acceptFor(key)) return finish(new Error("the server's Sec-WebSocket-Accept does not match the key"));
        upgraded = true;
        buffer = buffer.subarray(end + 4);
        socket.write(encodeFrame(Buffer.from(message, "utf8"), 0x1, true));
      }
      const { frames, rest } = decodeFrames(buffer);
      buffer = rest;
      for (const frame of frames) {
        if (frame.opcode === 0x8) return finish(new Error(`the server closed the WebSocket after ${messages.length} message(s)`));
        if (frame.opcode === 0x1 || frame.opcode === 0x2) messages.push(frame.payload.toString("utf8"));
      }
      if (messages.length > 0 && done(messages)) finish(undefined, { status, messages });
    });
    socket.on("error", (error) => finish(new Error(`cannot connect to ${target.host}: ${error.message}`)));
    socket.on("close", () =>
      finish(
        new Error(
          upgraded ? `the connection closed after ${messages.length} message(s)` : "the connection closed before the upgrade",
        ),
      ),
    );
  });
}
