using SevaKiosk.Simulator.Devices.Printers.EscPos;

namespace SevaKiosk.Printer.Tests.EscPos;

/// <summary>The emulator's paper roll: what it keeps after a cut.</summary>
public class PrintedRollTests
{
    [Fact]
    public void A_roll_that_keeps_no_pages_still_hands_each_page_over_at_the_cut()
    {
        var kept = new PrintedRoll(8);
        var passing = new PrintedRoll(8, keepPages: false);
        var row = new byte[8];
        Array.Fill(row, (byte)0);

        foreach (var roll in new[] { kept, passing })
        {
            roll.Print(row);
            roll.Feed(3);
        }

        var page = passing.Close(PageEnd.FullCut);
        kept.Close(PageEnd.FullCut);

        // The firmware's no-hardware mode prints for days: each receipt (a byte per dot) must not stay resident.
        Assert.Empty(passing.Pages);
        Assert.Single(kept.Pages);
        Assert.Equal(4, page.Height);
        Assert.Equal(kept.Pages[0].Height, page.Height);
    }
}
