import FirehoseSync
import Testing

@Suite("Recording codec (Docs/CONTRACT.md §2)")
struct RecordingDecoderTests {
    static func recording(_ frames: [[UInt8]]) -> [UInt8] {
        frames.flatMap { RecordingDecoder.encode(frame: $0) }
    }

    @Test func framesComeOutInOrderWhateverTheChunking() throws {
        let frames: [[UInt8]] = (0..<50).map { i in [UInt8](repeating: UInt8(i), count: i * 7 % 300) }
        let bytes = Self.recording(frames)
        for chunk in [1, 3, 4, 5, 64, 1000, bytes.count] {
            var decoder = RecordingDecoder()
            var out: [[UInt8]] = []
            var offset = 0
            while offset < bytes.count {
                decoder.append(bytes[offset..<min(bytes.count, offset + chunk)])
                offset += chunk
                while let frame = try decoder.next() { out.append(frame) }
            }
            #expect(out == frames, "chunk \(chunk)")
            #expect(decoder.finish() == nil)
        }
    }

    @Test func anEmptyRecordingIsValid() throws {
        var decoder = RecordingDecoder()
        #expect(try decoder.next() == nil)
        #expect(decoder.finish() == nil)
    }

    @Test func aTailInsideALengthIsTruncation() throws {
        var decoder = RecordingDecoder()
        decoder.append(Self.recording([[1, 2, 3]]) + [0, 0])
        #expect(try decoder.next() == [1, 2, 3])
        #expect(try decoder.next() == nil)
        #expect(decoder.finish()?.code == .truncatedRecording)
    }

    @Test func aTailInsideAFrameIsTruncation() throws {
        var decoder = RecordingDecoder()
        decoder.append(Self.recording([[1, 2, 3], [4, 5, 6, 7]]).dropLast(2))
        #expect(try decoder.next() == [1, 2, 3])
        #expect(try decoder.next() == nil)
        #expect(decoder.finish()?.code == .truncatedRecording)
    }

    @Test func absurdLengthsAreRefusedWithoutAllocating() {
        var decoder = RecordingDecoder()
        decoder.append([0xff, 0xff, 0xff, 0xff, 0x00])
        #expect(throws: FirehoseSyncError.self) { try decoder.next() }
    }

    @Test func aFollowerSeesTheNextLengthAndThePendingBytesBeforeTheFrameArrives() throws {
        var decoder = RecordingDecoder()
        let bytes = Self.recording([[9, 8, 7, 6]])
        decoder.append(bytes.prefix(2))
        #expect(decoder.nextFrameLength == nil)
        decoder.append(bytes[2..<6])
        #expect(decoder.nextFrameLength == 4)
        #expect(try decoder.next() == nil)
        #expect(decoder.pendingByteCount == 6)
        decoder.append(bytes[6...])
        #expect(try decoder.next() == [9, 8, 7, 6])
        #expect(decoder.pendingByteCount == 0)
    }
}
