using IpmiRpc.Core.Users;

namespace IpmiRpc.Core.Tests.Users;

public class UserListerTests
{
    [Fact]
    public async Task Stops_at_the_maximum_and_skips_empty_slots_unless_asked()
    {
        var log = new List<IpmiRequest>();
        // Slot 1: anonymous, nothing enabled; 2: admin; 3: empty name but IPMI messaging on (kept); 4: empty.
        byte[][] access =
        [
            [0x04, 0x02, 0x00, 0x0F],
            [0x04, 0x42, 0x00, 0x14],
            [0x04, 0x42, 0x00, 0x12],
            [0x04, 0x82, 0x00, 0x00],
        ];
        string[] names = ["", "admin", "", ""];
        IpmiSend send = (r, _) =>
        {
            log.Add(r);
            var id = r.Command == 0x44 ? r.Data.Span[1] : r.Data.Span[0];
            var data = r.Command == 0x44 ? access[id - 1] : System.Text.Encoding.ASCII.GetBytes(names[id - 1].PadRight(16, '\0'));
            return Task.FromResult(new IpmiResponse(0, data));
        };

        var list = await new UserLister(send).ListAsync(1, includeEmpty: false, CancellationToken.None);
        var full = await new UserLister(send).ListAsync(1, includeEmpty: true, CancellationToken.None);

        Assert.Equal([2, 3], list.Users.Select(u => (int)u.UserId));
        Assert.Equal(4, full.Users.Count);
        Assert.Equal(4, list.MaxUserIds);
        Assert.Equal("admin", list.Users[0].Name);
        Assert.True(list.Users[0].Enabled);
        Assert.Equal(4, list.Users[0].PrivilegeLimit);
        Assert.False(full.Users[3].Enabled);
        Assert.DoesNotContain(log, r => r.Command is 0x47); // never Set User Password
        Assert.All(log, r => Assert.True(r.Data.Span[r.Command == 0x44 ? 1 : 0] <= 4));
    }
}
