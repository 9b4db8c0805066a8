export { NetworkMetrics, LATENCY_BUCKETS_SECONDS } from './networkMetrics.js'
export { startMetricsServer, METRICS_HOST, METRICS_PATH, type MetricsServer } from './metricsServer.js'
export {
  renderPrometheus,
  PROMETHEUS_CONTENT_TYPE,
  type MetricFamily,
  type MetricType,
  type Sample,
} from './prometheusText.js'
