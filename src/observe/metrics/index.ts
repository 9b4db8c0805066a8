export { NetworkMetrics, LATENCY_BUCKETS_SECONDS } from './networkMetrics.js'
export { startMetricsServer, METRICS_HOST, type MetricsServer } from './metricsServer.js'
export {
  renderPrometheus,
  METRICS_PATH,
  PROMETHEUS_CONTENT_TYPE,
  type MetricFamily,
  type MetricType,
  type Sample,
} from '../../api/http/prometheusText.js'
export { MetricsTargets, type MetricsTarget } from './metricsTargets.js'
