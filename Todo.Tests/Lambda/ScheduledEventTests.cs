using System.Text.Json;
using Todo.Lambda;
using Todo.Tests.Lambda.Support;

namespace Todo.Tests.Lambda;

/// <summary>
/// The keep-warm ping: an EventBridge scheduled event is answered by the adapter itself, with no HTTP request through
/// the application; every other event that is not an HTTP one still fails its invocation.
/// </summary>
public sealed class ScheduledEventTests(ProbeHostFixture fixture) : IClassFixture<ProbeHostFixture>
{
    [Fact]
    public async Task A_scheduled_EventBridge_event_is_answered_as_a_warm_up_without_an_HTTP_request()
    {
        var requestsBefore = fixture.Host.ProbedRequests.Count;

        var response = await fixture.Host.InvokeFileAsync(LambdaTestPaths.Own("eventbridge-scheduled.json"));

        Assert.Equal("""{"warmed":true}""", JsonSerializer.Serialize(response));
        Assert.Equal(requestsBefore, fixture.Host.ProbedRequests.Count);
    }

    [Fact]
    public async Task A_scheduled_event_is_a_warm_up_even_when_the_event_format_is_pinned()
    {
        await using var host = new LambdaTestHost(LambdaProbes.Routes, "--Lambda:EventFormat=ApiGatewayRest");

        var response = await host.InvokeFileAsync(LambdaTestPaths.Own("eventbridge-scheduled.json"));

        Assert.True(response.GetProperty("warmed").GetBoolean());
        Assert.Empty(host.ProbedRequests);
    }

    [Theory]
    [InlineData("malformed-eventbridge-ec2-state-change.json")]
    [InlineData("malformed-sqs-event.json")]
    public async Task Any_other_event_that_is_not_an_HTTP_one_still_fails_the_invocation(string file)
    {
        var exception = await Assert.ThrowsAsync<LambdaEventFormatException>(() => fixture.Host.InvokeFileAsync(LambdaTestPaths.Own(file)));

        Assert.Contains("not an API Gateway", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"source":"aws.events","detail-type":"Object Created"}""")]
    [InlineData("""{"source":"aws.s3","detail-type":"Scheduled Event"}""")]
    [InlineData("""{"source":"aws.events","detail-type":["Scheduled Event"]}""")]
    [InlineData("""{"source":"aws.events"}""")]
    public async Task Only_both_marks_of_a_scheduled_event_make_a_warm_up(string payload)
    {
        await Assert.ThrowsAsync<LambdaEventFormatException>(() => fixture.Host.InvokeAsync(payload));
    }
}
