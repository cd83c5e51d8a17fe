public import Foundation

/// A small tmpfs mounted in a temporary folder, for tests of a full disk. Mounting needs root; where
/// it is not permitted, ``unavailableReason`` says so and tests skip themselves.
public final class SmallDisk: Sendable {
    /// The mount point.
    public let folder: URL
    /// The size of the file system in bytes.
    public let size: Int

    /// Why a tmpfs cannot be mounted here (nil when it can), found once by mounting and unmounting one.
    public static let unavailableReason: String? = {
        do {
            let disk = try SmallDisk(kilobytes: 64)
            disk.unmount()
            return nil
        } catch {
            return "cannot mount a tmpfs here (\(error)); the full-disk tests need root and mount(8)"
        }
    }()

    /// Mounts a tmpfs of `kilobytes` in a new temporary folder.
    public init(kilobytes: Int) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("bw-disk-\(UUID().uuidString)")
        size = kilobytes * 1_024
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let status = SmallDisk.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(kilobytes)k", "tmpfs", folder.path])
        guard status == 0 else {
            try? FileManager.default.removeItem(at: folder)
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSLocalizedDescriptionKey: "mount -t tmpfs exited with \(status)"])
        }
    }

    /// Fills the disk with a file of zeros until `room` bytes are left (about: the file system rounds to pages).
    public func fill(leaving room: Int) throws {
        let used = (try? FileManager.default.contentsOfDirectory(atPath: folder.path))?.reduce(0) { total, name in
            total + ((try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path)[.size] as? Int) ?? 0)
        } ?? 0
        let count = max(0, size - used - room)
        try Data(count: count).write(to: filler)
    }

    /// Removes the filler written by ``fill(leaving:)``: the space is free again.
    public func free() {
        try? FileManager.default.removeItem(at: filler)
    }

    var filler: URL { folder.appendingPathComponent("filler") }

    /// Unmounts the file system and removes the mount point.
    public func unmount() {
        _ = SmallDisk.run("/bin/umount", [folder.path])
        try? FileManager.default.removeItem(at: folder)
    }

    static func run(_ tool: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
