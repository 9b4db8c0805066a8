// The replay timeline: play/pause, speed, and a slider over the run's clock.
// The server owns the position; the page sends commands and shows what comes back.
import { clockTime } from './format.js'

async function command(body) {
  const res = await fetch('/api/replay', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (!res.ok) throw new Error(`replay ${body.action}: HTTP ${res.status}`)
  return res.json()
}

export class Timeline {
  constructor(root) {
    this.root = root
    this.play = root.querySelector('#replay-play')
    this.speed = root.querySelector('#replay-speed')
    this.slider = root.querySelector('#replay-position')
    this.label = root.querySelector('#replay-time')
    this.dragging = false
    this.view = null
    this.play.addEventListener('click', () => this.send({ action: this.view?.playing ? 'pause' : 'play' }))
    this.speed.addEventListener('change', () => this.send({ action: 'speed', speed: Number(this.speed.value) }))
    this.slider.addEventListener('input', () => {
      this.dragging = true
      this.label.textContent = this.timeText(Number(this.slider.value))
    })
    this.slider.addEventListener('change', () => {
      this.dragging = false
      this.send({ action: 'seek', position: Number(this.slider.value) })
    })
  }

  async send(body) {
    this.show(await command(body))
  }

  timeText(position) {
    const v = this.view
    if (!v) return ''
    const s = (ms) => `${(ms / 1000).toFixed(1)} s`
    return `${s(position - v.start)} / ${s(v.end - v.start)}  (${clockTime(position)})`
  }

  show(view) {
    if (!view) return
    this.view = view
    this.root.hidden = false
    this.play.textContent = view.playing ? 'Pause' : 'Play'
    this.play.dataset.playing = String(view.playing)
    this.speed.value = String(view.speed)
    this.slider.min = String(view.start)
    this.slider.max = String(view.end)
    if (!this.dragging) {
      this.slider.value = String(view.position)
      this.label.textContent = this.timeText(view.position)
    }
  }
}
