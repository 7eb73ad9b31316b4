import Hummingbird
import Logging
import TACEMetrics

/// Logs one line per request (method, matched route pattern, status, latency) and counts it in the
/// metrics. The route pattern (`/fhir/Patient/{id}/$assess`) is logged instead of the path, and the
/// query string never: both can carry patient identifiers.
struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServiceMetrics
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let status: Int
        do {
            let response = try await next(request, context)
            status = response.status.code
            record(request, context: context, status: status, started: started)
            return response
        } catch {
            status = (error as? any HTTPResponseError)?.status.code ?? 500
            record(request, context: context, status: status, started: started)
            throw error
        }
    }

    private func record(_ request: Request, context: Context, status: Int, started: ContinuousClock.Instant) {
        let (s, atto) = started.duration(to: .now).components
        let seconds = Double(s) + Double(atto) / 1e18
        let route = context.endpointPath ?? "unmatched"
        metrics.recordHTTP(method: request.method.rawValue, route: route, status: status, seconds: seconds)
        logger.info("HTTP", metadata: [
            "method": "\(request.method.rawValue)", "route": "\(route)", "status": "\(status)",
            "ms": "\(Int((seconds * 1000).rounded()))",
        ])
    }
}
