// One AI call through a `request` function however the application got hold of it, then
// (after all calls) the application's SDK is shut down so its spans are pushed.
exports.call = function call(request, url, body, options = {}) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, ...options }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end(body);
  });
};

exports.done = async function done() {
  await globalThis.hostAppSdk?.shutdown();
  process.stdout.write('done\n');
};
