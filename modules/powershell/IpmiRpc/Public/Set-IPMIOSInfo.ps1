function Set-IPMIOSInfo {
    <#
    .SYNOPSIS
    Stamps the operating system name (and optionally version) into the BMC's system information.

    .DESCRIPTION
    Writes system information parameter OperatingSystemName (IPMI v2.0 section 22.14a) through the
    session's ipmirpc host (method systemInfo.set). Idempotent: it first asks the host with dryRun
    whether anything would change; when the BMC already holds the value, nothing is written and
    Changed is $false. -WhatIf only does that dry run; -Confirm asks before writing.

    .PARAMETER Name
    The OS name to stamp. Default: this machine's OS (PRETTY_NAME of /etc/os-release, the Windows caption,
    or the runtime's OS description).

    .PARAMETER Version
    Also stamp PresentOperatingSystemVersion.

    .PARAMETER Target
    The BMC: a hashtable of target fields (Host, Port, Username, Password or Credential, Kg, CipherSuite,
    Privilege, TimeoutMs, Retries, Transport, Device), or the name of a target configured in ipmirpc.
    Omitted: the local BMC in-band. Accepts pipeline input.

    .EXAMPLE
    Set-IPMIOSInfo

    .EXAMPLE
    $bmcs | Set-IPMIOSInfo -Name 'Debian GNU/Linux 12' -WhatIf

    .OUTPUTS
    IpmiRpc.SystemInfoChange: Target, Changed, Values, Previous.
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType('IpmiRpc.SystemInfoChange')]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('OSName', 'OperatingSystemName')]
        [ValidateNotNullOrEmpty()]
        [string] $Name,

        [Parameter(ValueFromPipelineByPropertyName)]
        [Alias('OSVersion')]
        [string] $Version,

        [Parameter(ValueFromPipeline)]
        [object] $Target
    )
    process {
        $osName = $Name
        if (-not $osName) { $osName = Get-IpmiRpcLocalOSName }
        $values = [ordered]@{ operatingSystemName = $osName }
        if ($Version) { $values['presentOperatingSystemVersion'] = $Version }
        $label = Get-IpmiRpcTargetLabel $Target

        $dry = Invoke-IpmiRpcForCmdlet -Cmdlet $PSCmdlet -Method 'systemInfo.set' -Target $Target `
            -Params ([ordered]@{ values = $values; dryRun = $true })
        if ($null -eq $dry) { return }
        $previous = $null
        if ($dry.PSObject.Properties['previous']) { $previous = ConvertTo-IpmiObject -InputObject $dry.previous }
        $result = [ordered]@{
            PSTypeName = 'IpmiRpc.SystemInfoChange'
            Target     = $label
            Changed    = $false
            Values     = [pscustomobject]@{ OperatingSystemName = $osName }
            Previous   = $previous
        }
        if ($Version) { $result.Values | Add-Member -NotePropertyName PresentOperatingSystemVersion -NotePropertyValue $Version }

        if (-not $dry.changed) {
            Write-Verbose "${label}: already '$osName'"
            return [pscustomobject]$result
        }
        $was = ''
        if ($null -ne $previous -and $previous.PSObject.Properties['OperatingSystemName']) { $was = " (was '$($previous.OperatingSystemName)')" }
        if (-not $PSCmdlet.ShouldProcess($label, "Set IPMI operating system name to '$osName'$was")) { return }

        $r = Invoke-IpmiRpcForCmdlet -Cmdlet $PSCmdlet -Method 'systemInfo.set' -Target $Target `
            -Params ([ordered]@{ values = $values; dryRun = $false })
        if ($null -eq $r) { return }
        $result.Changed = [bool]$r.changed
        if ($r.PSObject.Properties['previous']) { $result.Previous = ConvertTo-IpmiObject -InputObject $r.previous }
        [pscustomobject]$result
    }
}
