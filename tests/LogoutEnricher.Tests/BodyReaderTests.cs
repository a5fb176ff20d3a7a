using LogoutEnricher.Hosting.Hardening;

namespace LogoutEnricher.Tests;

public sealed class BodyReaderTests
{
    private const int Limit = 1024 * 1024;

    public static TheoryData<int> Lengths => new() { 0, 1, 4095, 4096, 4097, 65535, 65536, 65537, 300_000, Limit - 1, Limit };

    [Theory]
    [MemberData(nameof(Lengths))]
    public async Task ReadAsync_DeclaredLength_ReturnsTheBodyInAnArrayOfThatLengthPlusOne(int length)
    {
        var body = Bytes(length);

        var read = await BodyReader.ReadAsync(new TrickleStream(body), length, Limit, CancellationToken.None);

        Assert.True(read is { } segment && segment.AsSpan().SequenceEqual(body), $"{length} bytes did not come back whole");
        // The array is never longer than the body and the byte that finds its end.
        Assert.Equal(length + 1, read!.Value.Array!.Length);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public async Task ReadAsync_UnknownLength_ReturnsTheBodyInAnArrayAtMostTwiceItsSize(int length)
    {
        var body = Bytes(length);

        var read = await BodyReader.ReadAsync(new TrickleStream(body), declaredLength: null, Limit, CancellationToken.None);

        Assert.True(read is { } segment && segment.AsSpan().SequenceEqual(body), $"{length} bytes did not come back whole");
        Assert.InRange(read!.Value.Array!.Length, length + 1, Math.Max(2 * (length + 1), 4096));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ReadAsync_BodyOneByteOverTheLimit_ReturnsNullWithoutReadingOnForever(bool declared)
    {
        var stream = new TrickleStream(Bytes(Limit + 1), repeatForever: true);

        var read = await BodyReader.ReadAsync(stream, declared ? Limit + 1 : null, Limit, CancellationToken.None);

        Assert.Null(read);
        Assert.InRange(stream.Served, Limit + 1, Limit + 1 + TrickleStream.MaxChunk);
    }

    [Fact]
    public async Task ReadAsync_HugeDeclaredLengthWithFewBytesSent_AllocatesOnlyTheFirstStepBeforeMoreArrive()
    {
        var read = await BodyReader.ReadAsync(new TrickleStream(Bytes(100)), long.MaxValue, Limit, CancellationToken.None);

        Assert.Equal(100, read!.Value.Count);
        Assert.Equal(BodyReader.FirstStep, read.Value.Array!.Length);
    }

    [Fact]
    public async Task ReadAsync_DeclaredLengthShorterThanTheBody_StillReadsAllOfIt()
    {
        var body = Bytes(10_000);

        var read = await BodyReader.ReadAsync(new TrickleStream(body), 10, Limit, CancellationToken.None);

        Assert.True(read!.Value.AsSpan().SequenceEqual(body));
    }

    private static byte[] Bytes(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray();

    /// <summary>Serves its bytes in uneven pieces, as a socket does; optionally without end.</summary>
    private sealed class TrickleStream(byte[] bytes, bool repeatForever = false) : Stream
    {
        public const int MaxChunk = 3001;

        private int _calls;

        public long Served { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var left = repeatForever ? MaxChunk : bytes.Length - (int)Served;
            var count = Math.Min(Math.Min(buffer.Length, left), 1 + (_calls++ * 1237 % MaxChunk));
            for (var i = 0; i < count; i++)
            {
                buffer[i] = bytes.Length == 0 ? (byte)0 : bytes[(int)((Served + i) % bytes.Length)];
            }

            Served += count;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override void Flush() => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
