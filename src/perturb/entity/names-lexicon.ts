/**
 * The bundled lists of the name perturbations (entity.person, entity.location, entity.organization,
 * entity.gender), written for this project: first names and surnames from many cultures, places,
 * nationalities, and organisations by category. Each list is one lexicon entry keyed `<kind>.<sub>`, so
 * `--lexicon FILE.yaml` (or a suite's `lexicons:`) can replace it; the detector
 * (src/perturb/entity/names.ts) also reads the bundled lists as gazetteers.
 *
 * Rules every item follows (tested in perturbations/entity/person.test.ts and friends):
 * - a replacement must read naturally wherever the original stood: one-word places and organisations
 *   that are also English words ("Wise", "Curve", "Nice") are here so the detector knows them, but are
 *   never drawn as a replacement from a bundled list (name-replace.ts, replacementPool); first names
 *   that are everyday words ("Grace", "Will", "Mark") are left out altogether, the detector knows them
 *   as hard cases (names.ts, WORD_FIRST_NAMES);
 * - a place or organisation keeps its category: a bank is replaced by a bank, a city by a city, so a
 *   classifier's label (a card payment at a shop, a transfer through a payment app) cannot depend on
 *   which one was picked;
 * - countries that take "the" carry it ("the Netherlands"): the perturbation puts it in or takes it out
 *   with the name ("in the UK" → "in France");
 * - no name of a living public figure on purpose; no slur; Latin script only (texts are English).
 */

/** Lexicon key → what it lists: the keys the name perturbations declare and read. */
export const NAME_ENTRIES = {
  'person.female':
    'female first names, many cultures (first → first of the same gender; entity.gender swaps to it)',
  'person.male':
    'male first names, many cultures (first → first of the same gender; entity.gender swaps to it)',
  'person.unisex': 'first names used for any gender: the replacement of a first name whose gender is unknown',
  'person.surname': 'surnames, many cultures: full names and "Mr X" get one',
  'location.city': 'cities (city → city)',
  'location.country': 'countries, with "the" where English uses it ("the Netherlands")',
  'location.region': 'states, provinces and regions (region → region)',
  'location.continent': 'continents and world regions',
  'location.nationality':
    'nationality adjectives (nationality → nationality; a plural demonym takes one ending in n or i, plus s)',
  'organization.bank': 'banks',
  'organization.payment': 'payment apps and online wallets (PayPal, Venmo …)',
  'organization.transfer': 'money-transfer services (Wise, Western Union …)',
  'organization.bnpl': 'buy-now-pay-later services (Klarna …)',
  'organization.crypto': 'cryptocurrency exchanges',
  'organization.wallet':
    'the two phone wallets a label may name ("Apple Pay", "Google Pay"): swapped with each other',
  'organization.wallet-other': 'other phone wallets ("Samsung Pay")',
  'organization.card': 'the two card networks a label may name (Visa, Mastercard): swapped with each other',
  'organization.card-other': 'other card networks and charge cards (American Express, UnionPay …)',
  'organization.supermarket': 'supermarkets',
  'organization.shop': 'shops, department stores and online retailers (not supermarkets)',
  'organization.food': 'restaurants, cafés and food delivery',
  'organization.airline': 'airlines',
  'organization.hotel': 'hotel chains',
  'organization.travel': 'travel booking sites and apps (flights, rooms, train tickets)',
  'organization.ride': 'ride-hailing services ("in an Uber")',
  'organization.media': 'streaming and subscription services',
  'organization.utility': 'energy, phone and internet providers',
  'organization.tech': 'makers of phones, computers and appliances, and software companies',
  'organization.car': 'carmakers',
  'organization.fashion': 'clothing, shoe and watch brands',
  'organization.app': 'social and messaging apps, search and e-mail services',
  'organization.company': 'invented company names: the replacement of an organisation of unknown category',
  'gender.nouns':
    'gendered nouns as "male/female" pairs (entity.gender, level 3): "husband/wife"; a word in several pairs takes the first',
} as const;

export type NameEntry = keyof typeof NAME_ENTRIES;

// biome-ignore format: a list reads better filled than one item a line
const FEMALE = [
  // English-speaking countries, Ireland
  'Emma', 'Olivia', 'Charlotte', 'Hannah', 'Laura', 'Sarah', 'Emily', 'Chloe', 'Lucy', 'Rachel', 'Rebecca',
  'Claire', 'Fiona', 'Megan', 'Jessica', 'Abigail', 'Siobhan', 'Aoife', 'Niamh', 'Caitlin',
  // Spanish, Portuguese, Latin America
  'Maria', 'Sofia', 'Isabel', 'Lucia', 'Carmen', 'Elena', 'Valentina', 'Camila', 'Gabriela', 'Mariana',
  'Ximena', 'Beatriz', 'Inês', 'Juliana', 'Fernanda', 'Marisol', 'Paola', 'Daniela',
  // Italian, French, German, Dutch, Nordic
  'Chiara', 'Giulia', 'Francesca', 'Alessia', 'Amélie', 'Camille', 'Manon', 'Élodie', 'Margaux', 'Anja',
  'Katrin', 'Lena', 'Greta', 'Johanna', 'Sanne', 'Femke', 'Ingrid', 'Astrid', 'Freya', 'Sigrid',
  // Slavic, Baltic, Greek, Turkish
  'Agnieszka', 'Katarzyna', 'Magdalena', 'Zofia', 'Olga', 'Natalia', 'Tatiana', 'Irina', 'Svetlana',
  'Oksana', 'Milena', 'Eleni', 'Despina', 'Zeynep', 'Elif', 'Ayşe',
  // Arabic, Persian, Hebrew
  'Fatima', 'Aisha', 'Layla', 'Noor', 'Yasmin', 'Mariam', 'Amira', 'Leila', 'Shirin', 'Parisa', 'Tamar',
  'Yael',
  // South Asian
  'Priya', 'Ananya', 'Aditi', 'Kavya', 'Deepika', 'Lakshmi', 'Meera', 'Sunita', 'Pooja', 'Anjali',
  'Ayesha', 'Sana', 'Farah', 'Nusrat',
  // East and South-East Asian
  'Mei', 'Xiu', 'Jing', 'Yan', 'Sakura', 'Haruka', 'Aiko', 'Emi', 'Yuna', 'Seo-yeon', 'Min-ji', 'Linh',
  'Thao', 'Malee', 'Maricel', 'Siti', 'Dewi', 'Putri',
  // African
  'Ngozi', 'Chiamaka', 'Adaeze', 'Folake', 'Yetunde', 'Amaka', 'Adwoa', 'Akosua', 'Abena', 'Efua',
  'Wanjiru', 'Akinyi', 'Njeri', 'Zawadi', 'Thandiwe', 'Nomvula', 'Lerato', 'Zanele', 'Naledi', 'Tigist',
  'Selam',
  // Pacific
  'Aroha', 'Leilani',
];

// biome-ignore format: a list reads better filled than one item a line
const MALE = [
  'James', 'David', 'Michael', 'Daniel', 'Thomas', 'Oliver', 'Harry', 'George', 'Liam', 'Noah', 'Ethan',
  'Samuel', 'Benjamin', 'Patrick', 'Sean', 'Callum', 'Hamish', 'Rhys', 'Owen', 'Connor', 'Carlos', 'Diego',
  'Javier', 'Miguel', 'Pablo', 'Alejandro', 'Mateo', 'Santiago', 'João', 'Pedro', 'Rafael', 'Tiago',
  'Luis', 'Andrés', 'Luca', 'Marco', 'Giuseppe', 'Lorenzo', 'Matteo', 'Pierre', 'Julien', 'Théo',
  'Antoine', 'Mathieu', 'Hans', 'Lukas', 'Jonas', 'Felix', 'Matthias', 'Daan', 'Sander', 'Lars', 'Erik',
  'Magnus', 'Björn', 'Piotr', 'Tomasz', 'Krzysztof', 'Jakub', 'Marek', 'Dmitri', 'Ivan', 'Sergei',
  'Alexei', 'Andriy', 'Nikos', 'Giorgos', 'Yannis', 'Mehmet', 'Emre', 'Burak', 'Mustafa', 'Ahmed', 'Omar',
  'Youssef', 'Khalid', 'Hassan', 'Tariq', 'Karim', 'Reza', 'Dariush', 'Amir', 'Yosef', 'Eitan', 'Arjun',
  'Rahul', 'Vikram', 'Rohan', 'Sanjay', 'Anil', 'Ravi', 'Suresh', 'Karthik', 'Imran', 'Bilal', 'Farid',
  'Wei', 'Jian', 'Hao', 'Kenji', 'Hiroshi', 'Takeshi', 'Haruto', 'Min-jun', 'Ji-ho', 'Minh', 'Duc',
  'Quang', 'Somchai', 'Budi', 'Agus', 'Chidi', 'Emeka', 'Obinna', 'Tunde', 'Segun', 'Kwame', 'Kofi',
  'Kwabena', 'Yaw', 'Kojo', 'Otieno', 'Baraka', 'Juma', 'Sipho', 'Thabo', 'Bongani', 'Tendai', 'Dawit',
  'Tesfaye', 'Abebe', 'Tane', 'Wiremu',
];

// biome-ignore format: a list reads better filled than one item a line
const UNISEX = [
  'Sam', 'Alex', 'Jordan', 'Taylor', 'Robin', 'Charlie', 'Jamie', 'Morgan', 'Riley', 'Casey', 'Quinn',
  'Rowan', 'Sasha', 'Kim', 'Yuki', 'Hikaru', 'Noa', 'Eden', 'Ariel', 'Kiran', 'Alexis', 'Kai', 'Ayo',
  'Remi', 'Jules', 'Dana',
];

// biome-ignore format: a list reads better filled than one item a line
const SURNAMES = [
  'Smith', 'Jones', 'Brown', 'Wilson', 'Evans', 'Murphy', "O'Brien", 'Kelly', 'Walsh', 'MacDonald',
  'Campbell', 'García', 'Martínez', 'López', 'Hernández', 'Rodríguez', 'Fernández', 'Silva', 'Santos',
  'Oliveira', 'Costa', 'Pereira', 'Rossi', 'Russo', 'Bianchi', 'Romano', 'Ricci', 'Dubois', 'Lefebvre',
  'Moreau', 'Laurent', 'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Becker', 'Jansen',
  'de Vries', 'Bakker', 'Andersson', 'Johansson', 'Nilsson', 'Hansen', 'Larsen', 'Nieminen', 'Kowalski',
  'Nowak', 'Wiśniewski', 'Novák', 'Horvat', 'Ivanov', 'Petrov', 'Kovalenko', 'Shevchenko', 'Papadopoulos',
  'Georgiou', 'Yılmaz', 'Kaya', 'Demir', 'Öztürk', 'Haddad', 'Khoury', 'Mansour', 'Nasser', 'Hosseini',
  'Rahimi', 'Cohen', 'Levi', 'Patel', 'Sharma', 'Singh', 'Gupta', 'Kumar', 'Reddy', 'Iyer', 'Nair',
  'Banerjee', 'Khan', 'Hussain', 'Qureshi', 'Malik', 'Chowdhury', 'Rahman', 'Wang', 'Zhang', 'Liu', 'Chen',
  'Huang', 'Zhao', 'Tanaka', 'Suzuki', 'Sato', 'Takahashi', 'Watanabe', 'Yamamoto', 'Park', 'Choi',
  'Nguyen', 'Tran', 'Pham', 'Reyes', 'Cruz', 'Bautista', 'Wijaya', 'Okafor', 'Adeyemi', 'Okonkwo', 'Eze',
  'Balogun', 'Mensah', 'Owusu', 'Boateng', 'Asante', 'Kamau', 'Mwangi', 'Ndlovu', 'Dlamini', 'Nkosi',
  'Mokoena', 'Haile', 'Ngata',
];

// biome-ignore format: a list reads better filled than one item a line
const CITIES = [
  'London', 'Manchester', 'Birmingham', 'Leeds', 'Glasgow', 'Edinburgh', 'Cardiff', 'Belfast', 'Bristol',
  'Liverpool', 'Dublin', 'Cork', 'Paris', 'Lyon', 'Marseille', 'Berlin', 'Munich', 'Hamburg', 'Vienna',
  'Zurich', 'Geneva', 'Amsterdam', 'Rotterdam', 'Brussels', 'Madrid', 'Barcelona', 'Seville', 'Valencia',
  'Lisbon', 'Porto', 'Rome', 'Milan', 'Naples', 'Florence', 'Venice', 'Athens', 'Istanbul', 'Warsaw',
  'Krakow', 'Prague', 'Budapest', 'Bucharest', 'Copenhagen', 'Stockholm', 'Oslo', 'Helsinki', 'Tallinn',
  'Riga', 'Vilnius', 'Kyiv', 'Moscow', 'New York', 'Chicago', 'Boston', 'Los Angeles', 'San Francisco',
  'Seattle', 'Miami', 'Houston', 'Atlanta', 'Toronto', 'Montreal', 'Vancouver', 'Mexico City',
  'Guadalajara', 'Bogotá', 'Lima', 'Buenos Aires', 'São Paulo', 'Rio de Janeiro', 'Cairo', 'Casablanca',
  'Marrakesh', 'Lagos', 'Abuja', 'Accra', 'Nairobi', 'Addis Ababa', 'Johannesburg', 'Cape Town', 'Dubai',
  'Abu Dhabi', 'Doha', 'Riyadh', 'Tehran', 'Karachi', 'Lahore', 'Mumbai', 'Delhi', 'Bangalore', 'Chennai',
  'Kolkata', 'Dhaka', 'Colombo', 'Kathmandu', 'Bangkok', 'Hanoi', 'Ho Chi Minh City', 'Kuala Lumpur',
  'Singapore', 'Jakarta', 'Manila', 'Hong Kong', 'Shanghai', 'Beijing', 'Shenzhen', 'Taipei', 'Seoul',
  'Busan', 'Tokyo', 'Osaka', 'Kyoto', 'Sydney', 'Melbourne', 'Brisbane', 'Perth', 'Auckland', 'Wellington',
  // also English words: known to the detector, never drawn as a replacement
  'Nice', 'Reading',
];

// biome-ignore format: a list reads better filled than one item a line
const COUNTRIES = [
  'the UK', 'Britain', 'England', 'Scotland', 'Wales', 'Ireland', 'France', 'Germany', 'Spain', 'Portugal',
  'Italy', 'the Netherlands', 'Belgium', 'Switzerland', 'Austria', 'Denmark', 'Sweden', 'Norway',
  'Finland', 'Iceland', 'Poland', 'the Czech Republic', 'Hungary', 'Romania', 'Bulgaria', 'Greece',
  'Croatia', 'Serbia', 'Ukraine', 'Lithuania', 'Latvia', 'Estonia', 'Cyprus', 'Malta', 'the United States',
  'the US', 'the USA', 'Canada', 'Mexico', 'Brazil', 'Argentina', 'Colombia', 'Peru', 'Chile', 'Ecuador',
  'Uruguay', 'Venezuela', 'Cuba', 'Jamaica', 'the Dominican Republic', 'Morocco', 'Egypt', 'Tunisia',
  'Nigeria', 'Ghana', 'Senegal', 'Kenya', 'Ethiopia', 'Tanzania', 'Uganda', 'Rwanda', 'South Africa',
  'Zimbabwe', 'Zambia', 'Namibia', 'Botswana', 'Israel', 'Jordan', 'Lebanon', 'Saudi Arabia',
  'the United Arab Emirates', 'the UAE', 'Qatar', 'Iran', 'Pakistan', 'India', 'Bangladesh', 'Sri Lanka',
  'Nepal', 'Thailand', 'Vietnam', 'Cambodia', 'Malaysia', 'Indonesia', 'the Philippines', 'Japan',
  'South Korea', 'Taiwan', 'Mongolia', 'Kazakhstan', 'Uzbekistan', 'Australia', 'New Zealand', 'Fiji',
];

// biome-ignore format: a list reads better filled than one item a line
const REGIONS = [
  'California', 'Texas', 'Florida', 'New Jersey', 'Ohio', 'Oregon', 'Arizona', 'Colorado', 'Nevada',
  'Massachusetts', 'Ontario', 'Quebec', 'Alberta', 'British Columbia', 'Bavaria', 'Saxony', 'Tuscany',
  'Sicily', 'Sardinia', 'Andalusia', 'Catalonia', 'Galicia', 'Provence', 'Brittany', 'Normandy',
  'Flanders', 'Cornwall', 'Yorkshire', 'Kent', 'the Highlands', 'Connemara', 'Crete', 'Bali', 'Punjab',
  'Kerala', 'Goa', 'Queensland', 'Tasmania', 'Patagonia', 'Siberia', 'Hokkaido', 'Okinawa',
];

// biome-ignore format: a list reads better filled than one item a line
const CONTINENTS = [
  'Europe', 'Asia', 'Africa', 'South America', 'North America', 'Latin America', 'Scandinavia',
  'the Middle East', 'the Balkans', 'the Caribbean', 'South-East Asia', 'Central America', 'Oceania',
];

// biome-ignore format: a list reads better filled than one item a line
const NATIONALITIES = [
  'British', 'English', 'Scottish', 'Welsh', 'Irish', 'French', 'German', 'Spanish', 'Portuguese',
  'Italian', 'Dutch', 'Belgian', 'Swiss', 'Austrian', 'Danish', 'Swedish', 'Norwegian', 'Finnish',
  'Polish', 'Czech', 'Hungarian', 'Romanian', 'Greek', 'Croatian', 'Ukrainian', 'Russian', 'Turkish',
  'American', 'Canadian', 'Mexican', 'Brazilian', 'Argentinian', 'Colombian', 'Peruvian', 'Chilean',
  'Cuban', 'Jamaican', 'Moroccan', 'Egyptian', 'Nigerian', 'Ghanaian', 'Kenyan', 'Ethiopian',
  'South African', 'Israeli', 'Lebanese', 'Saudi', 'Emirati', 'Iranian', 'Pakistani', 'Indian',
  'Bangladeshi', 'Sri Lankan', 'Nepali', 'Thai', 'Vietnamese', 'Malaysian', 'Indonesian', 'Filipino',
  'Chinese', 'Japanese', 'Korean', 'Taiwanese', 'Australian', 'New Zealand',
];

// biome-ignore format: a list reads better filled than one item a line
const BANKS = [
  'Barclays', 'HSBC', 'Lloyds', 'NatWest', 'Santander', 'Halifax', 'Nationwide', 'TSB', 'Metro Bank',
  'Monzo', 'Revolut', 'Starling', 'Chase', 'N26', 'Citibank', 'Wells Fargo', 'Bank of America',
  'Capital One', 'TD Bank', 'Scotiabank', 'Deutsche Bank', 'Commerzbank', 'BNP Paribas', 'Crédit Agricole',
  'ING', 'ABN AMRO', 'Rabobank', 'UniCredit', 'Intesa Sanpaolo', 'Nordea', 'UBS', 'ANZ', 'Westpac', 'DBS',
  'Standard Chartered', 'ICICI Bank', 'HDFC Bank', 'Ecobank', 'Absa', 'Nedbank', 'Capitec', 'Chime',
  'Ally Bank', 'KBC', 'Danske Bank', 'Swedbank', 'Bunq',
];

// biome-ignore format: a list reads better filled than one item a line
const PAYMENT = ['PayPal', 'Venmo', 'Cash App', 'Zelle', 'Alipay', 'Curve', 'Stripe', 'Paysafecard'];
// biome-ignore format: a list reads better filled than one item a line
const TRANSFER = [
  'Wise', 'Western Union', 'MoneyGram', 'Remitly', 'WorldRemit', 'Payoneer', 'Skrill', 'Flutterwave', 'M-Pesa',
  'Xoom', 'Azimo',
];
const BNPL = ['Klarna', 'Afterpay', 'Clearpay', 'Affirm'];
const CRYPTO = ['Coinbase', 'Binance', 'Kraken', 'Crypto.com', 'Bitstamp'];

/*
 * Card networks and phone wallets come in two lists each: a dataset's label may name a pair of them
 * (BANKING77 has visa_or_mastercard and apple_pay_or_google_pay), so a name of the pair is only ever
 * swapped with the other one, and the others among themselves.
 */
const WALLETS = ['Apple Pay', 'Google Pay'];
const OTHER_WALLETS = ['Samsung Pay', 'WeChat Pay', 'Garmin Pay', 'Fitbit Pay'];

/**
 * Items the detector knows but a bundled list never draws as a replacement: niche members of a
 * category, which read as implausible where a well-known one stood ("only takes Samsung Pay or cash"
 * → "Garmin Pay"). Lowercase.
 */
export const NEVER_DRAWN: ReadonlySet<string> = new Set(['garmin pay', 'fitbit pay']);
const CARDS = ['Visa', 'Mastercard'];
const OTHER_CARDS = ['American Express', 'Amex', 'Maestro', 'UnionPay', 'Diners Club', 'JCB'];

// biome-ignore format: a list reads better filled than one item a line
const SUPERMARKETS = [
  'Tesco', "Sainsbury's", 'Asda', 'Morrisons', 'Aldi', 'Lidl', 'Waitrose', 'Co-op', 'Iceland Foods',
  'Walmart', 'Costco', 'Kroger', 'Whole Foods', 'Carrefour', 'Auchan', 'Mercadona', 'Rewe', 'Edeka',
  'Woolworths', 'Coles', 'Albert Heijn', 'Jumbo', 'Spar',
];

// biome-ignore format: a list reads better filled than one item a line
const SHOPS = [
  'Marks & Spencer', 'Boots', 'Argos', 'Currys', 'John Lewis', 'Primark', 'Harrods', 'IKEA', 'Zara', 'H&M',
  'Uniqlo', 'Best Buy', 'Home Depot', 'Walgreens', 'Decathlon', 'Sephora', 'eBay', 'Etsy', 'Amazon',
  'AliExpress', 'Zalando', 'ASOS', 'Shein', 'Temu', 'Selfridges', 'Kmart', 'Target',
];

/**
 * Names that name the same organisation or place as another item: a replacement is never one of
 * them ("American Express" → "Amex" would change nothing). Each group is written once, lowercase.
 */
export const SAME_ENTITY: readonly (readonly string[])[] = [
  ['american express', 'amex'],
  ['marks & spencer', 'm&s'],
  ['the uk', 'britain', 'the united kingdom', 'great britain'],
  ['the us', 'the usa', 'the united states', 'america', 'the united states of america'],
  ['the uae', 'the united arab emirates'],
  ['amazon', 'amazon prime'],
  ['apple', 'apple pay', 'apple music'],
  ['google', 'google pay', 'youtube premium', 'gmail'],
  ['samsung', 'samsung pay'],
  ['bbc', 'bbc iplayer'],
  ['uber', 'uber eats'],
];

// biome-ignore format: a list reads better filled than one item a line
const FOOD = [
  'Deliveroo', 'Just Eat', 'Uber Eats', 'DoorDash', 'Grubhub', 'Starbucks', "McDonald's", 'KFC',
  'Burger King', "Domino's", 'Pizza Hut', 'Pret', "Nando's", 'Greggs', 'Costa Coffee', 'Tim Hortons',
];

// biome-ignore format: a list reads better filled than one item a line
const AIRLINES = [
  'Ryanair', 'easyJet', 'British Airways', 'Emirates', 'Lufthansa', 'Qatar Airways', 'KLM', 'Air France',
  'Wizz Air', 'Turkish Airlines', 'Aer Lingus', 'Vueling', 'Iberia', 'United Airlines',
];
const HOTELS = [
  'Hilton',
  'Marriott',
  'Travelodge',
  'Premier Inn',
  'Ibis',
  'Hyatt',
  'Holiday Inn',
  'Radisson',
];
// biome-ignore format: a list reads better filled than one item a line
const TRAVEL = [
  'Airbnb', 'Booking.com', 'Expedia', 'Hostelworld', 'Trainline', 'Omio', 'Skyscanner',
];

const RIDE = ['Uber', 'Lyft', 'Bolt', 'Grab', 'FreeNow', 'Didi', 'Cabify'];

// biome-ignore format: a list reads better filled than one item a line
const MEDIA = [
  'Netflix', 'Spotify', 'Disney+', 'BBC iPlayer', 'BBC', 'YouTube Premium', 'Amazon Prime', 'Audible',
  'Hulu', 'HBO Max', 'Apple Music', 'Deezer', 'Crunchyroll', 'Xbox Game Pass', 'PlayStation Plus',
  'Peloton', 'Duolingo', 'Patreon', 'Dropbox',
];

// biome-ignore format: a list reads better filled than one item a line
const UTILITY = [
  'British Gas', 'EDF', 'E.ON', 'Octopus Energy', 'Vodafone', 'Verizon', 'AT&T', 'T-Mobile', 'EE',
  'Virgin Media', 'BT', 'Comcast', 'Telefónica', 'Safaricom', 'MTN',
];

// biome-ignore format: a list reads better filled than one item a line
const TECH = [
  'Apple', 'Google', 'Microsoft', 'Samsung', 'Sony', 'Nintendo', 'Huawei', 'Xiaomi', 'Dell', 'Lenovo',
  'Canon', 'Dyson', 'Philips', 'Garmin', 'Bose', 'LG', 'Bosch', 'Panasonic', 'Nokia', 'Motorola', 'Asus',
];

// biome-ignore format: a list reads better filled than one item a line
const CARS = [
  'Tesla', 'Toyota', 'BMW', 'Volkswagen', 'Honda', 'Hyundai', 'Peugeot', 'Ford', 'Kia', 'Renault', 'Volvo',
  'Nissan',
];

// biome-ignore format: a list reads better filled than one item a line
const FASHION = [
  'Nike', 'Adidas', 'Puma', 'Levi’s', 'Rolex', 'Gucci', 'Prada', 'Converse', 'Vans', 'Reebok',
  'New Balance',
];

// biome-ignore format: a list reads better filled than one item a line
const APPS = [
  'WhatsApp', 'Instagram', 'Facebook', 'TikTok', 'Snapchat', 'Telegram', 'LinkedIn', 'Twitter', 'Gmail',
  'Outlook', 'Zoom', 'Slack', 'Tinder', 'Pinterest', 'Reddit', 'Discord', 'Viber',
];

/** Invented, so an unknown organisation's replacement says nothing about what it sells. */
// biome-ignore format: a list reads better filled than one item a line
const COMPANIES = [
  'Northwind', 'Brightwell', 'Halden & Co', 'Kestrel Group', 'Marlow Systems', 'Bluefin', 'Corvana',
  'Altamira', 'Greyhaven', 'Lumora', 'Pinecrest', 'Tavora', 'Redfern Ltd', 'Oakridge', 'Vantora',
];

// biome-ignore format: a list reads better filled than one item a line
const GENDER_NOUNS = [
  'husband/wife', 'husbands/wives', 'boyfriend/girlfriend', 'boyfriends/girlfriends', 'son/daughter',
  'sons/daughters', 'brother/sister', 'brothers/sisters', 'father/mother', 'fathers/mothers', 'dad/mum',
  'dads/mums', 'daddy/mummy', 'dad/mom', 'dads/moms', 'daddy/mommy', 'grandfather/grandmother',
  'grandpa/grandma', 'granddad/grandma', 'grandad/gran', 'grandson/granddaughter', 'uncle/aunt',
  'uncles/aunts', 'nephew/niece', 'nephews/nieces', 'man/woman', 'men/women', 'boy/girl', 'boys/girls',
  'gentleman/lady', 'gentlemen/ladies', 'fiancé/fiancée', 'stepfather/stepmother', 'stepson/stepdaughter',
  'father-in-law/mother-in-law', 'brother-in-law/sister-in-law', 'son-in-law/daughter-in-law',
  'businessman/businesswoman', 'chairman/chairwoman', 'policeman/policewoman', 'waiter/waitress',
  'king/queen', 'prince/princess',
];

/**
 * Surnames of cultures that write the family name first ("Nguyen Van An", "Wang Xiaoming", "Park
 * Ji-ho", "Nagy Péter"): a full name starting with one is replaced as a whole, never by putting a given
 * name where the family name stands. Japanese names are left out: English texts mostly write them given
 * name first ("Kenji Watanabe"). Lowercase, without accents.
 */
// biome-ignore format: a list reads better filled than one item a line
export const FAMILY_NAME_FIRST: ReadonlySet<string> = new Set([
  // Vietnamese
  'nguyen', 'tran', 'le', 'pham', 'hoang', 'huynh', 'phan', 'vu', 'vo', 'dang', 'bui', 'do', 'ngo', 'duong', 'ly',
  // Chinese
  'wang', 'li', 'zhang', 'liu', 'chen', 'yang', 'huang', 'zhao', 'wu', 'zhou', 'xu', 'sun', 'zhu', 'hu', 'guo', 'lin',
  // Korean
  'kim', 'lee', 'park', 'choi', 'jung', 'kang', 'cho', 'yoon', 'jang', 'lim',
  // Hungarian
  'nagy', 'kovacs', 'toth', 'szabo', 'horvath', 'varga', 'kiss', 'molnar',
]);

/** The bundled list of every entry. */
export const NAME_LEXICON: Readonly<Record<NameEntry, readonly string[]>> = {
  'person.female': FEMALE,
  'person.male': MALE,
  'person.unisex': UNISEX,
  'person.surname': SURNAMES,
  'location.city': CITIES,
  'location.country': COUNTRIES,
  'location.region': REGIONS,
  'location.continent': CONTINENTS,
  'location.nationality': NATIONALITIES,
  'organization.bank': BANKS,
  'organization.payment': PAYMENT,
  'organization.transfer': TRANSFER,
  'organization.bnpl': BNPL,
  'organization.crypto': CRYPTO,
  'organization.wallet': WALLETS,
  'organization.wallet-other': OTHER_WALLETS,
  'organization.card': CARDS,
  'organization.card-other': OTHER_CARDS,
  'organization.supermarket': SUPERMARKETS,
  'organization.shop': SHOPS,
  'organization.food': FOOD,
  'organization.airline': AIRLINES,
  'organization.hotel': HOTELS,
  'organization.travel': TRAVEL,
  'organization.ride': RIDE,
  'organization.media': MEDIA,
  'organization.utility': UTILITY,
  'organization.tech': TECH,
  'organization.car': CARS,
  'organization.fashion': FASHION,
  'organization.app': APPS,
  'organization.company': COMPANIES,
  'gender.nouns': GENDER_NOUNS,
};

/** The entries of one kind (`person`, `location`, `organization`). */
export function entriesOf(kind: string): NameEntry[] {
  return (Object.keys(NAME_LEXICON) as NameEntry[]).filter((k) => k.startsWith(`${kind}.`));
}

/** The entries a perturbation declares: key → description. */
export function describeEntries(keys: readonly NameEntry[]): Record<string, string> {
  return Object.fromEntries(keys.map((k) => [k, NAME_ENTRIES[k]]));
}
