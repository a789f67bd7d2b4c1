@{
    RootModule           = 'IpmiRpc.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '5d0c2f7e-4b8e-4a53-9a58-2b7f1f3c6e11'
    Author               = 'IpmiRpc contributors'
    CompanyName          = 'IpmiRpc'
    Copyright            = '(c) 2026 IpmiRpc contributors. MIT License.'
    Description          = 'IPMI from PowerShell through one long-running ipmirpc JSON-RPC host per session: raw requests, device ID, LAN configuration, system information, OS name stamping; in-band or out-of-band (lanplus).'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Core', 'Desktop')
    FunctionsToExport    = @(
        'Invoke-IPMIRequestResponse'
        'Get-IPMIDevice'
        'Get-IPMILANConfig'
        'Get-IPMISystemInfo'
        'Set-IPMIOSInfo'
    )
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('IPMI', 'BMC', 'JSON-RPC', 'Linux', 'Windows')
            LicenseUri = 'https://opensource.org/licenses/MIT'
        }
    }
}
