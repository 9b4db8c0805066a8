import { build } from './bundle.js'

await build()
