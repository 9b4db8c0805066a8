export declare function build(options?: { quiet?: boolean }): Promise<void>
/** The esbuild plugin giving libp2p's secp256k1 keys lnsim's crypto layer, and how many imports it took over. */
export declare function libp2pSecp256k1OnOurCrypto(): { plugin: import('esbuild').Plugin; replaced(): number }
/** The esbuild plugin keeping only zod's English locale, and how many imports it took over. */
export declare function zodEnglishOnly(): { plugin: import('esbuild').Plugin; replaced(): number }
/**
 * The esbuild plugin giving Noise's crypto lnsim's ChaCha20-Poly1305 in place of its WebAssembly modules, and how many
 * imports it took over.
 */
export declare function noiseWithoutWebAssembly(): { plugin: import('esbuild').Plugin; replaced(): number }
/** The esbuild plugin making @libp2p/tcp write each send in one socket write, and how many files it patched. */
export declare function tcpOneWritePerSend(): { plugin: import('esbuild').Plugin; replaced(): number }
/** The plugins every lnsim bundle is built with, fresh, each with how many imports it took over. */
export declare function lnsimTakeovers(): Array<{ plugin: import('esbuild').Plugin; replaced(): number }>
/** The banner that gives an ESM bundle a require() for dependencies that still call it. */
export declare const ESM_REQUIRE_BANNER: string
