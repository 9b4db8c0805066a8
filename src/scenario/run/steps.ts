/**
 * The YAML runner: a scenario file's steps carried out in order on the
 * network, then its final expectations. A payment that fails is an outcome
 * (its expectations decide); a step that cannot be carried out (a wait that
 * times out, a node that will not restart) ends the steps, and the final
 * expectations are still all evaluated.
 */
import type { Network } from '../network/network.js'
import type { RunBody, RunContext } from './runner.js'
import type { Scenario } from '../file/scenarioSchema.js'
import type { Step, StepOf } from '../file/schema.js'
import { paymentVerdict, trafficVerdict } from './expectations.js'
import { describeCondition } from '../network/conditions.js'
import { sleep } from '../network/pool.js'
import type { TrafficResult, TrafficSpec } from './traffic.js'
import type { ActivitySpec } from '../activity/activitySpec.js'
import { DEFAULT_CAPACITY_MULTIPLIER, DEFAULT_EXPECTED_PAYMENT_MSAT } from '../activity/randomModel.js'
import { describeTestingStep, isTestingStep, runTestingStep } from './testingStepRunner.js'

function sat(n: bigint): string {
  return `${n.toLocaleString('en-US')} sat`
}

function msatAsSat(msat: bigint): string {
  return msat % 1000n === 0n
    ? sat(msat / 1000n)
    : `${(msat / 1000n).toLocaleString('en-US')}.${(msat % 1000n).toString().padStart(3, '0').replace(/0+$/, '')} sat`
}

export function describeStep(step: Step): string {
  if (isTestingStep(step)) return describeTestingStep(step)
  switch (step.kind) {
    case 'pay':
      return (
        `pay ${step.from} → ${step.to} ${msatAsSat(step.amountMsat)}${step.id ? ` (${step.id})` : ''}` +
        (step.hold ? ', held by the payee' : step.background ? ' in the background' : '')
      )
    case 'keysend':
      return (
        `keysend ${step.from} → ${step.to} ${msatAsSat(step.amountMsat)}${step.id ? ` (${step.id})` : ''}` +
        (step.background ? ' in the background' : '')
      )
    case 'settle':
      return `settle the held payment ${step.payment}`
    case 'cancel':
      return `cancel the held payment ${step.payment}`
    case 'open':
      return `open ${step.name ?? `${step.from}-${step.to}`}: ${step.from} → ${step.to} ${sat(step.capacitySat)}`
    case 'close':
      return `${step.force ? 'force-close' : 'close'} ${step.channel}`
    case 'mine':
      return `mine ${step.blocks} block(s)`
    case 'feerate':
      return `set the chain's fee-rate estimate to ${step.satPerKw} sat/kw`
    case 'wait':
      return `wait until ${describeCondition(step.until)}${step.mineMempool ? ', mining what reaches the mempool' : ''}`
    case 'stop':
    case 'restart':
    case 'kill':
      return `${step.kind} ${step.node}`
    case 'sleep':
      return `sleep ${step.ms} ms`
    case 'traffic':
      return (
        `traffic${step.id ? ` ${step.id}` : ''}: ${describeTraffic(step)}` +
        (step.background ? ' (in the background)' : '')
      )
    case 'jam':
      return (
        `jam${step.id ? ` ${step.id}` : ''}: ${step.mode} jamming of ` +
        `${step.target.channel ?? `every channel of ${step.target.node}`} by ${step.attacker}` +
        `${step.colluder ? ` with ${step.colluder}` : ''}, ${msatAsSat(step.amountMsat)} ` +
        `${step.ratePerSecond}/s for ${step.durationMs} ms` +
        (step.maxHtlcs !== undefined ? ` (at most ${step.maxHtlcs} HTLCs)` : '') +
        (step.background ? ' (in the background)' : '')
      )
  }
}

async function pay(
  net: Network,
  ctx: RunContext,
  step: StepOf<'pay'> | StepOf<'keysend'>,
  source: string,
  background: Promise<unknown>[],
  /** set when this call is the held payment itself: tell `started` once its hold invoice exists */
  hold?: { hold: boolean; started: () => void },
): Promise<void> {
  const held = step.kind === 'pay' && step.hold
  if (step.background || held) {
    // a held payment goes on while the steps that follow decide its fate: it starts before they do
    let started = (): void => {}
    const invoiceMade = new Promise<void>((resolve) => (started = resolve))
    background.push(
      pay(net, ctx, { ...step, background: false, ...(held ? { hold: false } : {}) }, source, background, {
        hold: held,
        started,
      })
        .catch((err) => ctx.fail(err, `payment ${step.id ?? source} in the background`, source))
        .finally(started),
    )
    if (held) await invoiceMade
    return
  }
  const outcome = await net.pay(step.from, step.to, step.amountMsat, {
    source: 'pay',
    signal: ctx.signal,
    ...(step.id !== undefined ? { id: step.id } : {}),
    ...(step.timeoutSeconds !== undefined ? { timeoutSeconds: step.timeoutSeconds } : {}),
    ...(step.maxFeeMsat !== undefined ? { maxFeeMsat: step.maxFeeMsat } : {}),
    ...(step.kind === 'keysend' ? { keysend: true } : {}),
    ...(step.kind === 'pay' && !step.mpp ? { maxParts: 1 } : {}),
    ...(step.kind === 'pay' && step.mpp && step.maxParts !== undefined ? { maxParts: step.maxParts } : {}),
    ...(hold?.hold ? { hold: true, onHoldInvoice: hold.started } : {}),
  })
  if (step.id !== undefined) ctx.records.payments.set(step.id, outcome)
  if (step.expect)
    ctx.record(paymentVerdict(outcome, step.id ?? `${step.from} → ${step.to}`, step.expect, `${source}.expect`))
}

function describeTraffic(step: StepOf<'traffic'>): string {
  if (step.model === 'simln')
    return (
      `SimLN random activity for ${step.durationMs} ms, ` +
      `${msatAsSat(step.expectedPaymentMsat ?? DEFAULT_EXPECTED_PAYMENT_MSAT)} expected, ` +
      `capacity ×${step.capacityMultiplier ?? DEFAULT_CAPACITY_MULTIPLIER} a month` +
      (step.nodes ? ` between ${step.nodes.join(', ')}` : '')
    )
  const range = step.amountMsat ? `${msatAsSat(step.amountMsat.min)}–${msatAsSat(step.amountMsat.max)}` : ''
  const between = step.pairs
    ? ` between ${step.pairs.map(([a, b]) => `${a}→${b}`).join(', ')}`
    : ' between random pairs'
  return `${step.ratePerSecond}/s for ${step.durationMs} ms, ${range}${between}`
}

/** A traffic step as the runner takes it (the schema has checked what each model needs). */
function trafficSpec(step: StepOf<'traffic'>): TrafficSpec {
  const common = { id: step.id, durationMs: step.durationMs, timeoutSeconds: step.timeoutSeconds }
  if (step.model === 'simln')
    return {
      ...common,
      model: 'simln',
      nodes: step.nodes,
      expectedPaymentMsat: step.expectedPaymentMsat,
      capacityMultiplier: step.capacityMultiplier,
    }
  return { ...common, pairs: step.pairs, ratePerSecond: step.ratePerSecond!, amountMsat: step.amountMsat! }
}

async function traffic(ctx: RunContext, step: StepOf<'traffic'>, source: string): Promise<TrafficResult> {
  const r = await ctx.traffic(trafficSpec(step))
  if (step.expect) ctx.record(trafficVerdict(r, step.id ?? source, step.expect.successRateAtLeast, `${source}.expect`))
  return r
}

async function runStep(
  net: Network,
  ctx: RunContext,
  step: Step,
  source: string,
  background: Promise<unknown>[],
): Promise<void> {
  if (isTestingStep(step)) return runTestingStep(net, ctx, step, source, background)
  switch (step.kind) {
    case 'pay':
    case 'keysend':
      return pay(net, ctx, step, source, background)
    case 'settle':
      return net.settleHeld(step.payment, { timeoutMs: step.timeoutMs, signal: ctx.signal })
    case 'cancel':
      return net.cancelHeld(step.payment)
    case 'open':
      await net.open(step.from, step.to, step.capacitySat, {
        ...(step.name !== undefined ? { name: step.name } : {}),
        ...(step.pushMsat !== undefined ? { pushMsat: step.pushMsat } : {}),
        ...(step.private ? { private: true } : {}),
        wait: step.wait,
      })
      return
    case 'close':
      await net.close(step.channel, {
        force: step.force,
        wait: step.wait,
        ...(step.node !== undefined ? { node: step.node } : {}),
      })
      return
    case 'mine':
      await net.mine(step.blocks)
      return
    case 'feerate':
      await net.chain.setFeerate(step.satPerKw)
      return
    case 'wait':
      return net.waitFor(step.until, { timeoutMs: step.timeoutMs, signal: ctx.signal, mineMempool: step.mineMempool })
    case 'stop':
      return net.stopNode(step.node)
    case 'kill':
      return net.killNode(step.node)
    case 'restart':
      return net.restartNode(step.node, ctx.signal)
    case 'sleep':
      return sleep(step.ms, ctx.signal)
    case 'traffic':
      if (step.background)
        background.push(
          traffic(ctx, step, source).catch((err) =>
            ctx.fail(err, `traffic ${step.id ?? source} in the background`, source),
          ),
        )
      else await traffic(ctx, step, source)
      return
    case 'jam':
      if (step.background)
        background.push(
          ctx.jam(step).catch((err) => ctx.fail(err, `jam ${step.id ?? source} in the background`, source)),
        )
      else await ctx.jam(step)
      return
  }
}

export function scenarioBody(scenario: Scenario & { simln?: ActivitySpec | undefined }): RunBody {
  return async (net, ctx) => {
    const background: Promise<unknown>[] = []
    // SimLN's activity runs beside the steps, from the first; the final expectations wait for it
    if (scenario.simln) {
      const activity = scenario.simln
      background.push(
        ctx.activity(activity).catch((err) => ctx.fail(err, `SimLN activity from ${activity.sim.file}`, 'activity')),
      )
    }
    const total = scenario.steps.length
    for (const [index, step] of scenario.steps.entries()) {
      ctx.signal.throwIfAborted()
      const source = `steps[${index}].${step.kind}`
      try {
        await ctx.step(describeStep(step), () => runStep(net, ctx, step, source, background), { index, total })
      } catch (err) {
        ctx.signal.throwIfAborted()
        ctx.fail(err, `step ${index + 1} (${describeStep(step)})`, source)
        break
      }
    }
    await Promise.all(background)
    for (const [i, e] of scenario.expect.entries()) {
      ctx.signal.throwIfAborted()
      await ctx.check(e, `expect[${i}]`)
    }
  }
}
