using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Gatehouse.Analysis.Images.Smoke;

/// <summary>
/// Connects to a port on the loopback of another process's network namespace: a fresh thread joins the namespace
/// (<c>setns</c> on <c>/proc/PID/ns/net</c>, which changes only that thread), creates and connects the socket and ends.
/// A socket stays in the namespace it was created in, so the HTTP probe needs no client inside the image and the
/// container keeps its own network namespace (loopback only) instead of sharing the host's.
/// </summary>
internal static partial class NetNamespace
{
    private const int CloneNewNet = 0x40000000;

    public static Task<Socket> ConnectLoopbackAsync(int pid, int port)
    {
        var done = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                using var ns = File.OpenHandle($"/proc/{pid}/ns/net", FileMode.Open, FileAccess.Read);
                if (setns(ns.DangerousGetHandle().ToInt32(), CloneNewNet) != 0)
                    throw new IOException($"cannot enter the container's network namespace (errno {Marshal.GetLastPInvokeError()})");
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    // Loopback: refused or accepted at once, no packets leave the namespace.
                    socket.Connect(IPAddress.Loopback, port);
                    done.SetResult(socket);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
            // The thread ends here; it never goes back to a pool while inside the container's namespace.
        })
        { IsBackground = true, Name = "smoke-netns" };
        thread.Start();
        return done.Task;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setns(int fd, int nstype);
}
