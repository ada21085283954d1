// Writes `<file>.br` beside each file named, compressed with brotli at its best quality (11), for
// scripts/serve.mjs to send as it is: `make web` runs it on the release wasm, which takes about
// 2 s to compress so and is 12 % smaller than at the quality serve.mjs uses on the fly for it.
//
//   node scripts/compress.mjs pkg/gdviz_bg.wasm
import { readFile, writeFile } from 'node:fs/promises';
import { brotliCompressSync, constants } from 'node:zlib';

for (const file of process.argv.slice(2)) {
  const body = await readFile(file);
  const packed = brotliCompressSync(body, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
  });
  await writeFile(`${file}.br`, packed);
  console.log(`${file}.br: ${packed.length} bytes`);
}
