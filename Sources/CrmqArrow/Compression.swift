import CLZ4
import CZstd

/// The two codecs Arrow IPC compresses buffers with (Message.fbs, BodyCompression): LZ4
/// frames and Zstandard, by Debian's liblz4 and libzstd.
enum Compression {
    static func decompress(_ data: UnsafeRawBufferPointer, codec: UInt8, size: Int, column: String)
        throws(ArrowFormatError) -> [UInt8]
    {
        var out = [UInt8](repeating: 0, count: size)
        let ok: Bool = out.withUnsafeMutableBytes { dst in
            codec == 0 ? lz4Frame(data, into: dst) : zstd(data, into: dst)
        }
        guard ok else {
            throw ArrowFormatError(
                "a buffer of column '\(column)' does not decompress (\(codec == 0 ? "LZ4" : "Zstandard")) to the \(size) bytes it claims")
        }
        return out
    }

    /// Decompresses LZ4 frames until `src` is used up; true when exactly `dst` was filled.
    private static func lz4Frame(_ src: UnsafeRawBufferPointer, into dst: UnsafeMutableRawBufferPointer) -> Bool {
        var context: OpaquePointer?
        guard LZ4F_isError(LZ4F_createDecompressionContext(&context, UInt32(LZ4F_VERSION))) == 0, let context else {
            return false
        }
        defer { LZ4F_freeDecompressionContext(context) }
        var read = 0
        var written = 0
        while read < src.count {
            var outSize = dst.count - written
            var inSize = src.count - read
            let hint = LZ4F_decompress(
                context, dst.baseAddress.map { $0 + written }, &outSize, src.baseAddress! + read, &inSize, nil)
            if LZ4F_isError(hint) != 0 { return false }
            read += inSize
            written += outSize
            if inSize == 0, outSize == 0 { return false }
            if hint == 0, read == src.count { break }
        }
        return written == dst.count
    }

    private static func zstd(_ src: UnsafeRawBufferPointer, into dst: UnsafeMutableRawBufferPointer) -> Bool {
        guard let base = src.baseAddress else { return dst.isEmpty }
        let n = ZSTD_decompress(dst.baseAddress, dst.count, base, src.count)
        return ZSTD_isError(n) == 0 && n == dst.count
    }
}
