/// Solves the normal equations of the explainers' least-squares fits: `A x = b` for a
/// symmetric positive semi-definite `A` (KernelSHAP's `XᵀWX`, LIME's ridge Gram matrix),
/// for several right-hand sides at once.
///
/// A Cholesky factorisation when `A` is well inside the positive-definite cone; otherwise
/// (a feature never varied, two features always varied together) the minimum-norm solution
/// through `A`'s eigen-decomposition (cyclic Jacobi), which is what `numpy.linalg.lstsq`
/// returns for the underlying weighted least squares.
enum SymmetricSolver {
    /// `X` with `A X = B`: `a` is `n × n` and `b` `n × columns`, both row-major; the result
    /// is `n × columns`, row-major.
    static func solve(_ a: [Double], n: Int, _ b: [Double], columns: Int) -> [Double] {
        guard n > 0 else { return [] }
        if let factor = cholesky(a, n: n) { return substitute(factor, n: n, b, columns: columns) }
        return pseudoInverseSolve(a, n: n, b, columns: columns)
    }

    /// The lower-triangular `L` with `A = L Lᵀ`, or nil when a pivot is not clearly positive.
    static func cholesky(_ a: [Double], n: Int) -> [Double]? {
        var largest = 0.0
        for i in 0..<n { largest = max(largest, abs(a[i * n + i])) }
        guard largest > 0, largest.isFinite else { return nil }
        let tolerance = largest * Double(n) * 1e-13
        var l = [Double](repeating: 0, count: n * n)
        for j in 0..<n {
            var diagonal = a[j * n + j]
            for k in 0..<j { diagonal -= l[j * n + k] * l[j * n + k] }
            guard diagonal > tolerance else { return nil }
            let pivot = diagonal.squareRoot()
            l[j * n + j] = pivot
            for i in (j + 1)..<max(j + 1, n) {
                var sum = a[i * n + j]
                for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
                l[i * n + j] = sum / pivot
            }
        }
        return l
    }

    /// Forward then back substitution through `L` and `Lᵀ`.
    private static func substitute(_ l: [Double], n: Int, _ b: [Double], columns: Int) -> [Double] {
        var x = b
        for column in 0..<columns {
            for i in 0..<n {
                var sum = x[i * columns + column]
                for k in 0..<i { sum -= l[i * n + k] * x[k * columns + column] }
                x[i * columns + column] = sum / l[i * n + i]
            }
            for i in stride(from: n - 1, through: 0, by: -1) {
                var sum = x[i * columns + column]
                for k in (i + 1)..<max(i + 1, n) { sum -= l[k * n + i] * x[k * columns + column] }
                x[i * columns + column] = sum / l[i * n + i]
            }
        }
        return x
    }

    /// `A⁺ B` with eigenvalues below `n · 10⁻¹² · λmax` treated as zero. (The eigenvalues
    /// of `A` are the squared singular values of the weighted design, known only to about
    /// `ε · λmax`, so numpy's finer cut-off on singular values cannot be reproduced here.)
    static func pseudoInverseSolve(_ a: [Double], n: Int, _ b: [Double], columns: Int) -> [Double] {
        let (values, vectors) = eigen(a, n: n)
        let largest = values.map(abs).max() ?? 0
        let cutoff = largest * Double(n) * 1e-12
        var x = [Double](repeating: 0, count: n * columns)
        for e in 0..<n where values[e] > cutoff && values[e] > 0 {
            for column in 0..<columns {
                var projection = 0.0
                for i in 0..<n { projection += vectors[i * n + e] * b[i * columns + column] }
                projection /= values[e]
                for i in 0..<n { x[i * columns + column] += vectors[i * n + e] * projection }
            }
        }
        return x
    }

    /// Eigenvalues and eigenvectors (columns of the row-major `n × n` result) of a symmetric
    /// matrix by cyclic Jacobi rotations.
    static func eigen(_ a: [Double], n: Int) -> (values: [Double], vectors: [Double]) {
        var m = a
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        for _ in 0..<100 {
            var off = 0.0, total = 0.0
            for i in 0..<n {
                for j in 0..<n {
                    total += m[i * n + j] * m[i * n + j]
                    if i != j { off += m[i * n + j] * m[i * n + j] }
                }
            }
            if off <= total * 1e-30 || off == 0 { break }
            for p in 0..<n {
                for q in (p + 1)..<max(p + 1, n) where m[p * n + q] != 0 {
                    rotate(&m, &v, n: n, p: p, q: q)
                }
            }
        }
        return ((0..<n).map { m[$0 * n + $0] }, v)
    }

    /// One Jacobi rotation zeroing `m[p][q]`.
    private static func rotate(_ m: inout [Double], _ v: inout [Double], n: Int, p: Int, q: Int) {
        let apq = m[p * n + q], app = m[p * n + p], aqq = m[q * n + q]
        let theta = (aqq - app) / (2 * apq)
        let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
        let c = 1 / (t * t + 1).squareRoot(), s = t * c
        for k in 0..<n {
            let mkp = m[k * n + p], mkq = m[k * n + q]
            m[k * n + p] = c * mkp - s * mkq
            m[k * n + q] = s * mkp + c * mkq
        }
        for k in 0..<n {
            let mpk = m[p * n + k], mqk = m[q * n + k]
            m[p * n + k] = c * mpk - s * mqk
            m[q * n + k] = s * mpk + c * mqk
        }
        for k in 0..<n {
            let vkp = v[k * n + p], vkq = v[k * n + q]
            v[k * n + p] = c * vkp - s * vkq
            v[k * n + q] = s * vkp + c * vkq
        }
    }
}
