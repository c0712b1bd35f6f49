// Imported first by tests of tsvino's own AVX2 kernels: caps oneDNN at AVX2 before the addon
// loads, so those kernels (used only where oneDNN runs AVX2 code) are chosen on an AVX-512 CPU too.
process.env['DNNL_MAX_CPU_ISA'] = 'AVX2';
