import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const CLI = resolve(__dirname, '../../../dist/lnsim.mjs')
const fixture = JSON.parse(readFileSync(resolve(__dirname, '../../fixtures/bolt11-invoices.json'), 'utf8')) as {
  valid: Array<{ description: string; invoice: string }>
  invalid: Array<{ description: string; invoice: string }>
}
const running = new Set<ChildProcess>()

afterAll(() => {
  for (const child of running) child.kill('SIGKILL')
})

function lnsim(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    running.add(child)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.once('error', fail)
    child.once('close', (code) => {
      running.delete(child)
      done({ code, stdout, stderr })
    })
  })
}

const routed = fixture.valid.find((v) => v.description.includes('extra routing info'))!.invoice

describe('lnsim invoice decode', () => {
  it('prints the fields of a valid invoice as JSON', async () => {
    const r = await lnsim('invoice', 'decode', routed, '--json')
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout) as Record<string, unknown>
    expect(json).toMatchObject({
      network: 'bc',
      amountMsat: '2000000000',
      timestamp: 1496314658,
      paymentHash: '0001020304050607080900010203040506070809000102030405060708090102',
      paymentSecret: '11'.repeat(32),
      description: null,
      descriptionHash: '3925b6f67e2c340036ed12093dd44e0368df1b6ea26c53dbe4811f58fd5db8c1',
      expiry: 3600,
      minFinalCltvExpiryDelta: 18,
      payee: '03e7156ae33b0a208d0744199163177e909e80176e55d97a2f221ede0f934dd9ad',
      features: { hex: '4100', bits: [8, 14] },
      fallbackAddresses: [{ version: 17, program: '04b61f7dc1ea0dc99424464cc4064dc564d91e89' }],
    })
    expect(json.routeHints).toEqual([
      [
        {
          nodeId: '029e03a901b85534ff1e92c43c74431f7ce72046060fcf7a95c37e148f78c77255',
          shortChannelId: '66051x263430x1800',
          feeBaseMsat: '1',
          feeProportionalMillionths: 20,
          cltvExpiryDelta: 3,
        },
        {
          nodeId: '039e03a901b85534ff1e92c43c74431f7ce72046060fcf7a95c37e148f78c77255',
          shortChannelId: '197637x395016x2314',
          feeBaseMsat: '2',
          feeProportionalMillionths: 30,
          cltvExpiryDelta: 4,
        },
      ],
    ])
  })

  it('prints a readable summary without --json', async () => {
    const r = await lnsim('invoice', 'decode', fixture.valid[0]!.invoice)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('any (the payer chooses)')
    expect(r.stdout).toContain('"Please consider supporting this project"')
    expect(r.stdout).toContain('03e7156ae33b0a208d0744199163177e909e80176e55d97a2f221ede0f934dd9ad')
  })

  it('exits non-zero with the reason on stderr for an invalid invoice', async () => {
    const checksum = fixture.invalid.find((v) => v.description.startsWith('Bech32 checksum'))!.invoice
    const r = await lnsim('invoice', 'decode', checksum, '--json')
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(JSON.parse(r.stderr)).toMatchObject({ error: { code: 'INVALID_CHECKSUM' } })

    const plain = await lnsim(
      'invoice',
      'decode',
      fixture.invalid.find((v) => v.description === 'Invalid multiplier')!.invoice,
    )
    expect(plain.code).toBe(1)
    expect(plain.stderr).toMatch(/^lnsim invoice decode: .*2500x/)
  })
})
