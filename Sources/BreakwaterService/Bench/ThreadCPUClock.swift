import Foundation

/// CPU time of the calling thread, in seconds (the machine is shared, so wall time would measure the neighbours).
package func threadCPUSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}
