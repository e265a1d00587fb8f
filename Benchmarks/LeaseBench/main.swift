import CustosCore
