// Fetching the checker's Python: downloads from this site, how fast they came, their
// sha256, tar archives. Shared by both boots (worker.js, snapshot.js), by the page
// (client.js: how fast its preload came) and by the build, which restores its memory
// image with the page's own code under Node.js.

const TAR_BLOCK = 512;
// The memory image saves about half a second of start-up and costs about 7 MB more
// than the normal boot (its image, and the WebAssembly as the host sends it, beside the
// preloaded one): it pays on links faster than about 80 Mbit/s, as benchmarks/run.py
// measured on each kind of link (benchmarks/README.md). A download that shares the
// link with the page's own files comes at about two thirds of the link's rate.
const FAST_LINK_BYTES_PER_MS = 8_000;

export async function download(base, name, options) {
  let response;
  try {
    response = await fetch(new URL(name, base), options);
  } catch (error) {
    throw new Error(`${name}: ${error.message}`);
  }
  if (!response.ok) throw new Error(`${name}: ${response.status} ${response.statusText}`);
  return response;
}

// How fast the link brought a download, from its ResourceTiming entry: "fast" at
// FAST_LINK_BYTES_PER_MS or more, else "slow"; null when it tells nothing (it came
// from the cache, or was revalidated: a 304 brings headers only).
export function linkSpeed(timing) {
  if (!timing.encodedBodySize || timing.transferSize < timing.encodedBodySize) return null;
  const ms = Math.max(timing.responseEnd - timing.responseStart, 0.1);
  return timing.encodedBodySize / ms >= FAST_LINK_BYTES_PER_MS ? "fast" : "slow";
}

export async function sha256(data) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

// The body of the response `responding` will give, through `decode` (from a stream of
// bytes to a stream of bytes) as it arrives; the stream errors at its end unless the
// bytes that came had the sha256 `expected`. So whoever reads it (WebAssembly's
// streaming compiler, say) starts at once and never gets a result from wrong bytes.
// The decoder is made at once, before the download answers: decoders that take turns
// take them in the order they were made. `arrived(n)`, if given, hears of every n
// bytes as they come.
export function decodedAndChecked(
  responding,
  decode,
  { file_name: name, sha256: expected },
  arrived = null,
) {
  const body = new TransformStream();
  const digest = responding.then((response) => {
    const [packed, toDecode] = response.body.tee();
    toDecode.pipeTo(body.writable).catch(() => {}); // an error reaches the reader
    const counted = arrived ? packed.pipeThrough(counting(arrived)) : packed;
    return new Response(counted).arrayBuffer().then(sha256);
  });
  digest.catch((error) => body.writable.abort(error).catch(() => {}));
  return decode(body.readable).pipeThrough(
    new TransformStream({
      async flush(controller) {
        if ((await digest) !== expected) {
          controller.error(new Error(`${name}: not the sha256 the manifest says`));
        }
      },
    }),
  );
}

function counting(arrived) {
  return new TransformStream({
    transform(chunk, controller) {
      arrived(chunk.byteLength);
      controller.enqueue(chunk);
    },
  });
}

// The regular files of a tar archive (ustar), by name, as views into it.
export function tarMembers(tar) {
  const text = (at, length) =>
    new TextDecoder().decode(tar.subarray(at, at + length)).replace(/\0.*$/s, "");
  const found = new Map();
  for (let at = 0; at + TAR_BLOCK <= tar.length && tar[at] !== 0; ) {
    const name = [text(at + 345, 155), text(at, 100)].filter(Boolean).join("/");
    const size = parseInt(text(at + 124, 12).trim() || "0", 8);
    const type = String.fromCharCode(tar[at + 156]);
    at += TAR_BLOCK;
    if (type === "0" || type === "\0") {
      found.set(name, tar.subarray(at, at + size));
    } else if (type !== "5") {
      throw new Error(`${name}: a tar entry of type ${type}, expected a file or a folder`);
    }
    at += Math.ceil(size / TAR_BLOCK) * TAR_BLOCK;
  }
  return found;
}

// Write the files of a tar archive under `dir` in Emscripten's file system.
export function untar(tar, dir, FS) {
  for (const [name, data] of tarMembers(tar)) {
    const path = `${dir}/${name}`;
    FS.mkdirTree(path.slice(0, path.lastIndexOf("/")));
    FS.writeFile(path, data);
  }
}
