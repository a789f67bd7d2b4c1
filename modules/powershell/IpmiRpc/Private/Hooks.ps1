# What a generated cmdlet does beyond its schema, by hand, keyed by cmdlet name.
# BeforeCall gets the JSON-RPC params (an ordered dictionary) and may change them.

$script:IpmiRpcHooks = @{
    # The seed's Set-IPMIOSInfo (now an alias) stamped this machine's OS name when given no name.
    'Set-IpmiSystemInfo' = @{
        BeforeCall = {
            param([System.Collections.IDictionary] $Params)
            if (-not $Params.Contains('values') -or $Params['values'].Count -eq 0) {
                $Params['values'] = [ordered]@{ operatingSystemName = Get-IpmiRpcLocalOSName }
            }
        }
    }
}
