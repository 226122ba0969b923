// Stands in for sharp in the GPU bundle (prepare.sh aliases it): the check decodes no images, and sharp's native
// library does not travel to the GPU machine. Importing medad's detectors reaches the image I/O modules, which
// configure sharp when they load; anything more fails loudly.
const unavailable = (): never => {
  throw new Error('sharp is not in the gpu-check bundle: the check decodes no images');
};
export default Object.assign(unavailable, { cache: () => undefined, concurrency: () => 0 });
