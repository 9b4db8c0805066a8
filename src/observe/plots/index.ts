export { RunPlotData, PLOT_FILES, LATENCY_BINS, TIME_BUCKETS, MAX_BALANCE_SERIES, type RunInfo } from './runPlots.js'
export { readPlotData, MAX_PLOT_LINE } from './plotEventsFile.js'
export { CHART_WIDTH, CHART_HEIGHT, AXIS_TICKS, niceStep } from './svgChart.js'
